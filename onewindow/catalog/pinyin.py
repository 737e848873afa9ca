"""Pinyin initials of an item's name, so a clerk finds 食品经营许可 by typing `spjy`.

Computed once when the name is written (the catalog services, the import, publishing) and
stored on the item (`ServiceItem.pinyin_initials`), so the intake search is one indexed
query rather than Python over every item. pypinyin reads phrases, so most polyphonic
characters (银行 → yh) come out as a clerk says them.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 200
_KEEP = re.compile(r"[^a-z0-9]")


def pinyin_initials(name: str) -> str:
    """`食品经营许可（新办）` → `spjyxkxb`: the first letter of each character's pinyin, and
    letters and digits of the name as they are, lower-case; everything else dropped."""
    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return _KEEP.sub("", "".join(letters).lower())[:MAX_LENGTH]


FULL_MAX_LENGTH = 1200


def pinyin_full(name: str) -> str:
    """`营业执照（新办）` → `yingyezhizhaoxinban`: each character's pinyin without tones, and
    letters and digits of the name as they are, lower-case; everything else dropped. The
    portal search matches what a citizen types in pinyin against it."""
    syllables = lazy_pinyin(name or "", style=Style.NORMAL, errors="default")
    return _KEEP.sub("", "".join(syllables).lower())[:FULL_MAX_LENGTH]


def pinyin_of(name: str) -> dict[str, str]:
    """Both pinyin columns of an item, as the writers of `ServiceItem` store them."""
    return {"pinyin_initials": pinyin_initials(name), "pinyin_full": pinyin_full(name)}
