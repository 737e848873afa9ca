"""The portal's service search: keys kept in a table, a query matched against them, a rank.

What a citizen types is normalised (NFKC, lower case, punctuation and spaces dropped) and cut
into the same n-grams the catalog stores for each item it can show (`SearchKey`):

* `h:` two characters of the normalised name or keywords (`营业`, `业执`, `执照`),
* `i:` two letters of the pinyin initials (`yy`, `yz`, `zz`),
* `p:` three letters of the full pinyin (`yin`, `ing`, …),
* `c:` the whole normalised code, and three characters of its last ten (the part that tells
  one item from another: codes of a center share their first characters).

A query's keys select candidate items with one indexed query (an item sharing more keys
first); the candidates are then ranked in Python by what they match as a whole (the name
itself, its start, the code, the initials, the pinyin, a keyword) and by the share of the
query's keys they hold, which is what makes one wrong or missing character tolerable:
`营业执找` shares two of its three `h:` keys with 营业执照 and all of its pinyin.
docs/decisions/0020-service-search.md says why a key table and what it measured.

`search_keys_refresh` is the one writer of the table; the catalog services and the import
call it whenever an item's name, activity or published version changes.
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

QUERY_MAX_LENGTH = 64
"""What a search reads of a query; the rest is dropped (a name is at most 200 characters,
and nobody types more than a few words into a search box)."""
MAX_QUERY_KEYS = 32
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


def normalise(text: str) -> str:
    """`营业 执照（新办）` → `营业执照新办`, `YYZZ` → `yyzz`: full-width forms folded (NFKC), lower
    case, everything but letters and digits dropped (punctuation, spaces, symbols, `%_\\`)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def _grams(text: str, n: int) -> set[str]:
    if len(text) < n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _keywords(text: str) -> list[str]:
    return [k for k in (normalise(w) for w in _SPLIT_KEYWORDS.split(text or "")) if k]


def keys_for(*, name: str, code: str, keywords: str = "", initials: str = "", full: str = "") -> set[str]:
    """Every key of an item (each at most 80 characters, the column's length)."""
    keys: set[str] = set()
    for text in [normalise(name), *_keywords(keywords)]:
        keys |= {f"h:{g}" for g in _grams(text, 2)}
    keys |= {f"i:{g}" for g in _grams(initials or pinyin_initials(name), 2)}
    keys |= {f"p:{g}" for g in _grams(full or pinyin_full(name), 3)}
    code = normalise(code)
    keys |= {f"c:{code}"[:KEY_MAX_LENGTH]} | {f"c:{g}" for g in _grams(code[-CODE_TAIL:], 3)}
    return keys


def query_keys(q: str) -> set[str]:
    """The keys a normalised query is looked up by: a query in letters may be initials, full
    pinyin or a code; one in characters by its bigrams (one wrong character in three leaves
    one intact; the ranking then compares the pinyin, so a homophone typo like 执找 for 执照
    ranks high), and a one- or two-character one also by its pinyin. Pinyin trigrams of a
    longer query in characters (`zhi`, `ing`) would select thousands of rows for nothing."""
    keys: set[str] = set()
    if not q:
        return keys
    if any(c.isdigit() for c in q):  # a code (or part of one): codes hold digits, names rarely
        keys |= {f"c:{q}"[:KEY_MAX_LENGTH]} | {f"c:{g}" for g in _grams(q[-CODE_TAIL:], 3)}
    if q.isascii():
        keys |= {f"i:{g}" for g in _grams(q, 2)}
        keys |= {f"p:{g}" for g in _grams(q, 3)}
    else:
        keys |= {f"h:{g}" for g in _grams(q, 2)}
        if len(q) < 3:  # too short for a bigram to survive a typo: its pinyin too
            keys |= {f"p:{g}" for g in _grams(pinyin_full(q), 3)}
    return set(sorted(keys)[:MAX_QUERY_KEYS])


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


def one_edit_pattern(q: str) -> re.Pattern[str] | None:
    """A pattern found in a text exactly where some stretch of it is `q` with at most one
    character changed, added or missing (a typo, a dropped character): one compiled
    alternation per query, searched in C for each candidate. None for a query under 3
    characters (one edit away from almost anything)."""
    n = len(q)
    if n < 3:
        return None
    parts = []
    for j in range(n):
        parts.append(re.escape(q[:j]) + "." + re.escape(q[j + 1 :]))  # changed
        if n >= 4:
            parts.append(re.escape(q[:j] + q[j + 1 :]))  # typed one too many
        if 0 < j:
            parts.append(re.escape(q[:j]) + "." + re.escape(q[j:]))  # missed one
    return re.compile("|".join(parts), re.DOTALL)


def _score(
    item: ServiceItem, q: str, share: float, q_pinyin: str = "", similar: re.Pattern[str] | None = None
) -> tuple[float, str]:
    """How well an item matches (higher first) and what it matched, from its whole fields.
    `q_pinyin` is the query's full pinyin when it is in characters, `similar` its
    `one_edit_pattern` (both computed once a query)."""
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
    if not best and q_pinyin and q_pinyin in full:  # a homophone: 执找 for 执照
        best, matched = 35.0, "similar"
    if (
        not best
        and similar is not None
        and (similar.search(name) or (q.isascii() and similar.search(initials)))
    ):
        best, matched = 30.0, "similar"
    if not best and share >= 0.6 and len(q) >= 3:
        best, matched = 20.0, "similar"
    return (best + 10 * share if best else 0.0), matched


def item_search_ranked(*, q: str, filters: Q | None = None, limit: int = RESULTS_MAX) -> list[Hit]:
    """The portal items matching `q` best first (at most `limit`), among `filters` (a Q on
    ServiceItem) when given. Three queries: the candidate keys, the candidates, and nothing
    for a query without a letter or digit (an empty list)."""
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
    q_pinyin = "" if q.isascii() else pinyin_full(q)
    similar = one_edit_pattern(q)
    hits = []
    for item in items:
        score, matched = _score(item, q, shares[item.pk], q_pinyin, similar)
        if score > 0:
            hits.append(Hit(item=item, score=score, matched=matched))
    hits.sort(key=lambda h: (-h.score, len(h.item.name), h.item.code))
    return hits[:limit]
