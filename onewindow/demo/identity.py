"""Check-digit arithmetic for generated identity numbers (GB 11643, GB 11714, GB 32100).

The demo generates its own numbers, so it carries the arithmetic itself: the validators in
`onewindow.core.validators` check the result independently in the tests."""

import datetime as dt
import random

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
MOBILE_PREFIXES = [
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "177",
    "186",
    "187",
    "188",
    "199",
]


def id_number_with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def org_code_with_check(first8: str) -> str:
    """GB 11714 organisation code: 8 characters and a check character."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return first8 + {10: "X", 11: "0"}.get(check, str(check))


def uscc_with_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def random_id_number(
    rng: random.Random, prefix: str, seq: int, *, born_from: int = 1950, born_to: int = 2005
) -> str:
    """An ID number issued in `prefix` (6 digits); `seq` keeps numbers unique within a run."""
    start = dt.date(born_from, 1, 1).toordinal()
    end = dt.date(born_to, 12, 31).toordinal()
    birth = dt.date.fromordinal(rng.randint(start, end))
    order = seq % 1000
    return id_number_with_check(f"{prefix}{birth:%Y%m%d}{order:03d}")


def random_uscc(rng: random.Random, region6: str, seq: int, *, individual: bool = False) -> str:
    """9 1 (enterprise, market regulator) or 9 2 (individual business) + region + org code."""
    kind = "92" if individual else "91"
    body = f"{(seq * 7919 + rng.randint(0, 999)) % 100000000:08d}"
    return uscc_with_check(f"{kind}{region6}{org_code_with_check(body)}")


def random_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"


def random_person_name(rng: random.Random, surnames: str, given: str) -> str:
    name = rng.choice(surnames) + rng.choice(given)
    if rng.random() < 0.7:
        name += rng.choice(given)
    return name
