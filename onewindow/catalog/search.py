"""The portal's service search: keys kept in a table, a query matched against them, a rank.

What a citizen types is normalised (NFKC, lower case, punctuation and spaces dropped) and cut
into the same n-grams the catalog stores for each item it can show (`SearchKey`):

* `h:` two characters of the normalised name or keywords (`营业`, `业执`, `执照`),
* `i:` two letters of the pinyin initials (`yy`, `yz`, `zz`),
* `p:` three letters of the full pinyin, `fold`ed (zh/z, ch/c, sh/s, ng/n written one way:
  `yin`, `iny`, …, so `yinyezizao` holds every key of 营业执照),
* `c:` the whole normalised code, and three characters of its last ten (the part that tells
  one item from another: codes of a center share their first characters).

A query's keys (at most `MAX_QUERY_KEYS`, sampled evenly over a long query with a quota for
each kind) select candidate items with one indexed query (an item sharing more keys first);
the candidates are then ranked in Python by what they match as a whole: the name itself, its
start, the code, the initials, the full pinyin, a keyword, then what is one edit away (one
character changed, added or missing: `within_one_edit`, a few slice comparisons) from the
whole name, initials or pinyin, from their start or from a part, and the share of the
query's keys they hold orders items matched alike. So `yingyezhizao`, `yinyezhizhao`,
`yingyezhizhaoo` and `yyzx` find 营业执照, and `营业执找` shares two of its three `h:` keys
with it and all of its pinyin. docs/decisions/0020-service-search.md says why a key table and
what it measured.

`search_keys_refresh` is the one writer of the table; the catalog services and the import
call it whenever an item's name, activity or published version changes (migration 0006
rewrote every item's keys when the pinyin keys became folded).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from onewindow.catalog.models import SearchKey, ServiceItem, ServiceItemVersion
from onewindow.catalog.pinyin import pinyin_full, pinyin_initials

QUERY_MAX_LENGTH = 100
"""What a search reads of a query; the rest is dropped (the portal's page cuts at 100 too: a
name's full pinyin runs to ~80 letters, and nobody types more into a search box)."""
MAX_QUERY_KEYS = 32
"""At most this many keys a query: a long one is sampled (`query_keys`)."""
KEY_MAX_LENGTH = 80
CODE_TAIL = 10
CANDIDATES = 100
ANALYZE_AFTER = 10_000
"""A refresh writing at least this many keys (an import of ~150 items or more) refreshes the
planner's statistics of the key table in the same transaction. Without them, the first
searches after a large import (before autovacuum's next round) had PostgreSQL scan the whole
table: 20 ms instead of 2 ms a search on 5,000 items (docs/decisions/0020-service-search.md)."""
RESULTS_MAX = 50
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_SPLIT_KEYWORDS = re.compile(r"[\s,，、;；/|]+")
_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"))
_VOWELS = frozenset("aeiouv")


def normalise(text: str) -> str:
    """`营业 执照（新办）` → `营业执照新办`, `YYZZ` → `yyzz`: full-width forms folded (NFKC), lower
    case, everything but letters and digits dropped (punctuation, spaces, symbols, `%_\\`)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def fold(pinyin: str) -> str:
    """`yingyezhizhao` → `yinyezizao`: the sounds citizens of many regions do not tell apart
    (zh/z, ch/c, sh/s, ng/n) written one way, on both sides of a pinyin comparison, so
    `yinyezizao` is as good as the right spelling."""
    for long, short in _FOLDS:
        pinyin = pinyin.replace(long, short)
    return pinyin


def _gram_list(text: str, n: int) -> list[str]:
    """The n-grams of `text` in the order they appear, each once."""
    if len(text) < n:
        return [text] if text else []
    return list(dict.fromkeys(text[i : i + n] for i in range(len(text) - n + 1)))


def _grams(text: str, n: int) -> set[str]:
    return set(_gram_list(text, n))


def _keywords(text: str) -> list[str]:
    return [k for k in (normalise(w) for w in _SPLIT_KEYWORDS.split(text or "")) if k]


def keys_for(*, name: str, code: str, keywords: str = "", initials: str = "", full: str = "") -> set[str]:
    """Every key of an item (each at most 80 characters, the column's length). The pinyin
    trigrams are of the folded pinyin (`fold`), so a zh/z or ng/n slip keeps every key."""
    keys: set[str] = set()
    for text in [normalise(name), *_keywords(keywords)]:
        keys |= {f"h:{g}" for g in _grams(text, 2)}
    keys |= {f"i:{g}" for g in _grams(initials or pinyin_initials(name), 2)}
    keys |= {f"p:{g}" for g in _grams(fold(full or pinyin_full(name)), 3)}
    code = normalise(code)
    keys |= {f"c:{code}"[:KEY_MAX_LENGTH]} | {f"c:{g}" for g in _grams(code[-CODE_TAIL:], 3)}
    return keys


def looks_like_code(q: str) -> bool:
    """A normalised query is taken for a code (or part of one) when it is in letters and
    digits and at least a third of it is digits: `371082xk0003`, `xk0003`, `0003`. A digit in
    a name's pinyin (`…di2lei` for 第2类) does not make it one."""
    return q.isascii() and 3 * sum(c.isdigit() for c in q) >= len(q) > 0


def _spread(keys: list[str], k: int) -> list[str]:
    """`k` of `keys` spread evenly from the first to the last (all of them if they fit)."""
    if len(keys) <= k:
        return keys
    if k <= 1:
        return keys[:k]
    return [keys[round(i * (len(keys) - 1) / (k - 1))] for i in range(k)]


def _quotas(sizes: list[int], weights: list[int], total: int) -> list[int]:
    """How many keys each kind keeps of `total`: by weight, a kind needing less than its share
    handing the rest to the others."""
    quota = [0] * len(sizes)
    pending = [i for i, size in enumerate(sizes) if size]
    left = total
    while pending:
        weight = sum(weights[i] for i in pending)
        share = {i: left * weights[i] // weight for i in pending}
        small = [i for i in pending if sizes[i] <= share[i]]
        if not small:
            for i in pending:
                quota[i] = share[i]
            quota[pending[0]] += left - sum(share.values())
            break
        for i in small:
            quota[i] = sizes[i]
            left -= sizes[i]
            pending.remove(i)
    return quota


def query_keys(q: str) -> set[str]:
    """The keys a normalised query is looked up by: a query in letters may be initials, full
    pinyin or (if `looks_like_code`) a code; one in characters by its bigrams (one wrong
    character in three leaves one intact; the ranking then compares the pinyin, so a
    homophone typo like 执找 for 执照 ranks high), and a one- or two-character one also by its
    pinyin. Pinyin trigrams of a longer query in characters (`zhi`, `ing`) would select
    thousands of rows for nothing.

    Of more than `MAX_QUERY_KEYS`, each kind keeps a quota by weight: a code query's code keys
    weigh most; a query in letters with vowels in a quarter of it (full pinyin) gives its
    pinyin keys three times the weight of its initials keys, any other (initials) the
    reverse. Each kind's keys are taken evenly from its first to its last, so the end of a
    long name counts as much as its start."""
    if not q:
        return set()
    kinds: list[tuple[list[str], int]] = []
    if looks_like_code(q):
        code = [f"c:{q}"[:KEY_MAX_LENGTH]] + [f"c:{g}" for g in _gram_list(q[-CODE_TAIL:], 3)]
        kinds.append((code, 6))
    if q.isascii():
        spelt = sum(c in _VOWELS for c in q) * 4 >= len(q)
        kinds.append(([f"p:{g}" for g in _gram_list(fold(q), 3)], 3 if spelt else 1))
        kinds.append(([f"i:{g}" for g in _gram_list(q, 2)], 1 if spelt else 3))
    else:
        kinds.append(([f"h:{g}" for g in _gram_list(q, 2)], 3))
        if len(q) < 3:  # too short for a bigram to survive a typo: its pinyin too
            kinds.append(([f"p:{g}" for g in _gram_list(fold(pinyin_full(q)), 3)], 1))
    quotas = _quotas([len(keys) for keys, _w in kinds], [w for _k, w in kinds], MAX_QUERY_KEYS)
    return {key for (keys, _w), k in zip(kinds, quotas, strict=True) for key in _spread(keys, k)}


def visible_items() -> QuerySet[ServiceItem]:
    """The items the portal shows: active, of an active center, with a published version."""
    published = ServiceItemVersion.objects.filter(
        item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
    )
    return ServiceItem.objects.filter(Exists(published), is_active=True, center__is_active=True)


def search_keys_refresh(*, item_ids: Iterable[int]) -> int:
    """Rewrite the keys of these items from what is stored now: an item the portal shows gets
    the keys of its name, code, pinyin and its published version's keywords; any other item
    (withdrawn, inactive, nothing published) none. Returns the number of keys written.

    The caller's transaction covers it (the services and the import are atomic), so a search
    never sees an item half-keyed. Two queries and one bulk insert per 1,000 items, and an
    `ANALYZE` of the table after a large refresh (`ANALYZE_AFTER`)."""
    ids = sorted(set(item_ids))
    written = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        SearchKey.objects.filter(item_id__in=chunk).delete()
        keywords = ServiceItemVersion.objects.filter(
            item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
        ).values("keywords")[:1]
        rows = (
            visible_items()
            .filter(pk__in=chunk)
            .annotate(published_keywords=Subquery(keywords))
            .values_list("pk", "name", "code", "pinyin_initials", "pinyin_full", "published_keywords")
        )
        batch = [
            SearchKey(item_id=pk, key=key)
            for pk, name, code, initials, full, words in rows
            for key in sorted(
                keys_for(name=name, code=code, keywords=words or "", initials=initials, full=full)
            )
        ]
        SearchKey.objects.bulk_create(batch, batch_size=2000)
        written += len(batch)
    if written >= ANALYZE_AFTER:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(SearchKey._meta.db_table)}")
    return written


@dataclass(frozen=True)
class Hit:
    item: ServiceItem
    score: float
    matched: str


def within_one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with at most one character changed, added or missing (a Levenshtein
    distance of at most 1), in a few slice comparisons: the common start found by halving,
    then what follows the first difference compared whole."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    lo, hi = 0, len(a)  # a[:lo] == b[:lo]; the first difference is at most at hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    if len(a) == len(b):
        return a[lo + 1 :] == b[lo + 1 :]
    return a[lo:] == b[lo + 1 :]


def _lengths(n: int) -> tuple[int, ...]:
    """The lengths of what is one edit from a query of `n` characters; one of 3 with a
    character missing (two characters) would match almost anything."""
    return (n, n + 1, n - 1) if n >= 4 else (n, n + 1)


def one_edit_start(q: str, text: str) -> bool:
    """Whether some start of `text` is within one edit of `q` (a name typed from its start)."""
    return any(within_one_edit(q, text[:length]) for length in _lengths(len(q)) if length <= len(text))


def one_edit_part(q: str, text: str) -> bool:
    """Whether some stretch of `text` is within one edit of `q`. One edit leaves one half of
    `q` intact, so only the places where a half occurs are compared (`str.find`, in C). False
    for a query under 3 characters (one edit away from almost anything)."""
    n = len(q)
    if n < 3:
        return False
    first, second = q[: n // 2], q[n // 2 :]
    at = text.find(first)
    while at != -1:
        if any(within_one_edit(q, text[at : at + length]) for length in _lengths(n)):
            return True
        at = text.find(first, at + 1)
    at = text.find(second)
    while at != -1:
        end = at + len(second)
        if any(within_one_edit(q, text[max(0, end - length) : end]) for length in _lengths(n)):
            return True
        at = text.find(second, at + 1)
    return False


@dataclass(frozen=True)
class _Query:
    """What the ranking compares each candidate with, computed once a search."""

    q: str
    spelt: bool  # in letters: initials, pinyin or a code
    folded: str  # the query as `fold`ed pinyin, when in letters
    sound: str  # its full pinyin, when in characters (a homophone: 执找 for 执照)


def _near(query: _Query, name: str, initials: str, full: str) -> float:
    """The points of a match within one edit (or one heard alike, `fold`): of a whole name,
    initials or pinyin 38, of its start 34, of a part 30; 0 if none."""
    q = query.q
    if len(q) < 3:
        return 0.0
    pairs = [(q, name)]
    if query.spelt:
        pairs += [(q, initials), (q, full), (query.folded, fold(full))]
    # Each test holds an exact match too (no edit), which the folded pair needs.
    if any(within_one_edit(a, b) for a, b in pairs):
        return 38.0
    if any(one_edit_start(a, b) for a, b in pairs):
        return 34.0
    if any(one_edit_part(a, b) for a, b in pairs):
        return 30.0
    return 0.0


def _score(item: ServiceItem, query: _Query, share: float) -> tuple[float, str]:
    """How well an item matches (higher first) and what it matched, from its whole fields; the
    share of the query's keys it holds (0–1) orders the items of one kind of match."""
    q = query.q
    name = normalise(item.name)
    code = normalise(item.code)
    initials, full = item.pinyin_initials, item.pinyin_full
    words = _keywords(getattr(item, "published_keywords", "") or "")
    best, matched = 0.0, ""
    for points, hit, what in (
        (100, name == q, "name"),
        (90, code == q, "code"),
        (80, initials == q or full == q, "pinyin"),
        (70, name.startswith(q), "name"),
        (65, code.startswith(q), "code"),
        (60, initials.startswith(q) or full.startswith(q), "pinyin"),
        (55, q in name, "name"),
        (50, any(q == w or q in w for w in words), "keyword"),
        (45, q in initials or q in full, "pinyin"),
        (40, q in code, "code"),
    ):
        if hit:
            best, matched = float(points), what
            break
    if not best:
        best = _near(query, name, initials, full)
        if query.sound and query.sound in full:  # a homophone: 执找 for 执照
            best = max(best, 36.0)
        matched = "similar" if best else ""
    if not best and share >= 0.6 and len(q) >= 3:
        best, matched = 20.0, "similar"
    return (best + share if best else 0.0), matched


def item_search_ranked(*, q: str, filters: Q | None = None, limit: int = RESULTS_MAX) -> list[Hit]:
    """The portal items matching `q` best first (at most `limit`), among `filters` (a Q on
    ServiceItem) when given. Two queries, the candidate keys and the candidates (a third for a
    one-character query); none for a query without a letter or digit."""
    q = normalise(str(q or "")[: QUERY_MAX_LENGTH * 4])[:QUERY_MAX_LENGTH]
    if not q:
        return []
    keys = query_keys(q)
    base = visible_items()
    if filters is not None:
        base = base.filter(filters)
    keywords = ServiceItemVersion.objects.filter(
        item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
    ).values("keywords")[:1]
    # Only items the portal shows have keys (search_keys_refresh), so the key query joins
    # the items only to apply browse filters; the candidates are checked again below.
    matching = SearchKey.objects.filter(key__in=keys)
    if filters is not None and filters:
        matching = matching.filter(item__in=base.values("pk"))
    candidates = (
        matching.values("item_id").annotate(hits=Count("key")).order_by("-hits", "item_id")[:CANDIDATES]
    )
    shares = {row["item_id"]: row["hits"] / len(keys) for row in candidates}
    if len(q) == 1:  # no n-gram of one character: its items by name or code
        single = base.filter(Q(name__contains=q) | Q(code__istartswith=q)).values_list("pk", flat=True)
        shares.update(dict.fromkeys(single[:CANDIDATES], 1.0))
    if not shares:
        return []
    items = (
        base.filter(pk__in=list(shares))
        .select_related("center", "department", "sector", "main_item")
        .annotate(published_keywords=Subquery(keywords))
    )
    spelt = q.isascii()
    query = _Query(q=q, spelt=spelt, folded=fold(q) if spelt else "", sound="" if spelt else pinyin_full(q))
    hits = []
    for item in items:
        score, matched = _score(item, query, shares[item.pk])
        if score > 0:
            hits.append(Hit(item=item, score=score, matched=matched))
    hits.sort(key=lambda h: (-h.score, len(h.item.name), h.item.code))
    return hits[:limit]
