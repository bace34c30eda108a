"""The public charity search: one box, filters, sorting (pages, CSV and API share it).

What a query means is the same on every database: after normalize(), the
query is a substring of the charity's name, English name or credit code.
How it is found differs:

- PostgreSQL, 3+ characters: LIKE '%q%' on the search key, served by a
  pg_trgm GIN index (Django's `contains` escapes % _ and \\, so wildcards
  are plain text).
- PostgreSQL, 1-2 characters with a Chinese character: trigrams cannot
  serve them, so a GIN index over the name's unigrams and bigrams answers
  `org_name_grams(search_text) @> ARRAY[q]` exactly. Chinese characters
  only occur in the name part (English names are checked for them).
- SQLite, 3+ characters: the FTS5 trigram table (a phrase query is a
  substring match); shorter queries fall back to LIKE over the table.
- 1-2 Latin characters or digits on either database: LIKE, a scan. These
  match a large share of all charities, so the first page fills quickly;
  docs/benchmarks.md has the figures.

Counting stops at COUNT_CAP: the page says "more than 1,000" instead of
walking half a million matches for a one-character query. page() explains
how a page of a broad result is read without sorting all of it.
"""

import json
import math
import re
import time
from datetime import date
from typing import NamedTuple

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Left, Right, StrIndex
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan

from .models import Organization, field_mask
from .normalize import SEPARATOR, has_cjk, normalize

COUNT_CAP = 1_000
# Longer than any search key can be (200 + 300 + 18 characters and separators).
MAX_QUERY = 520
SORTS = ("relevance", "name", "recognized")


class _NameHasGram(Func):
    """org_name_grams(search_text) @> ARRAY[gram] (PostgreSQL; index org_name_grams)."""

    output_field = BooleanField()

    def __init__(self, gram):
        super().__init__(F("search_text"))
        self.gram = gram

    def as_sql(self, compiler, connection, **extra):
        field_sql, params = compiler.compile(self.source_expressions[0])
        return f"org_name_grams({field_sql}) @> ARRAY[%s]::text[]", [*params, self.gram]


def normalized_query(q):
    return normalize(q)[: MAX_QUERY + 1]


def match(queryset, q):
    """Charities whose name, English name or credit code contains q."""
    q = normalized_query(q)
    if not q:
        return queryset
    if len(q) > MAX_QUERY:
        return queryset.none()
    if connection.vendor == "postgresql":
        if len(q) <= 2 and has_cjk(q):
            return queryset.filter(_NameHasGram(q))
        return queryset.filter(search_text__contains=q)
    if connection.vendor == "sqlite" and len(q) >= 3:
        phrase = '"' + q.replace('"', '""') + '"'
        return queryset.filter(
            id__in=RawSQL("SELECT rowid FROM organizations_search WHERE organizations_search MATCH %s", [phrase]))
    return queryset.filter(search_text__contains=q)


def search(params):
    """The ordered queryset for cleaned search parameters (SearchForm.cleaned_data)."""
    return filtered(params).order_by(*ordering(params.get("sort") or "relevance",
                                               normalized_query(params.get("q") or "")))


def filtered(params, indexed=True):
    """The matching charities, unordered.

    indexed=False states the text match with strpos()/instr() instead, which
    no index serves: for walking an ordered btree index and testing each row,
    the plan a broad query needs (see page()).
    """
    qs = Organization.objects.all()
    if params.get("province"):
        qs = qs.filter(province_code=params["province"])
    if params.get("city"):
        qs = qs.filter(city_code=params["city"])
    if params.get("type"):
        qs = qs.filter(org_type=params["type"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("qualified") is not None:
        qs = qs.filter(public_fundraising_qualified=params["qualified"])
    if params.get("tax_deductible") is not None:
        qs = qs.filter(tax_deductible=params["tax_deductible"])
    if params.get("field"):
        qs = qs.alias(in_field=F("service_mask").bitand(field_mask([params["field"]]))).filter(in_field__gt=0)
    q = params.get("q") or ""
    if indexed and not _common_within_region(params):
        return match(qs, q)
    q = normalized_query(q)
    if len(q) > MAX_QUERY:
        return qs.none()
    return qs.filter(_contains(q)) if q else qs


# A Chinese query held by more than this share of names is not looked up in the gram index when a
# province or city narrows the search: the region's index finds fewer rows than the gram's bitmap holds.
COMMON_SHARE = 0.05


def _common_within_region(params):
    if connection.vendor != "postgresql" or not (params.get("province") or params.get("city")):
        return False
    q = normalized_query(params.get("q") or "")
    if not _all_chinese(q):
        return False
    stats = _gram_stats()
    return stats is not None and _chain_share(q, *stats) > COMMON_SHARE


def numbered_page(params, number, per_page):
    """(capped count, page number, rows) for a results page: what the search page shows.

    The page number is clamped to the pages there are. The count is exact up
    to COUNT_CAP and COUNT_CAP + 1 beyond ("more than 1,000").
    """
    few = _few(per_page)
    keys, more_than, expected = _all_keys(params, few)
    if keys is None:
        count = COUNT_CAP + 1 if more_than >= COUNT_CAP else _count_many(params, expected)
        if count <= COUNT_CAP:  # fewer than estimated
            keys = _all_keys(params, few, estimate=False).rows
    count = min(len(keys), COUNT_CAP + 1) if keys is not None else count
    pages = max(1, math.ceil(min(count, COUNT_CAP) / per_page))
    number = min(max(number, 1), pages)
    offset = (number - 1) * per_page
    if keys is not None:
        return count, number, _sorted_page(keys, params, offset, per_page)
    return count, number, _page(params, offset, per_page, count, None, _few(offset + per_page))


def page(params, offset, limit, total=None):
    """Rows offset..offset+limit of search(params), in that order, without sorting every match.

    First, one bounded query reads the sort keys of every match, if there
    are at most `few` (about sqrt((offset + limit) x all charities), where
    the rows a sort must fetch and the rows a walk must test are about equal,
    capped at SORT_CAP): the indexes find them (bitmap scan) and Python
    orders them (code-point order, the same as "C" collation and SQLite).
    Most searches end there, in two queries.

    A broad query ("基金会", a province's code prefix) matches hundreds of
    thousands of charities; sorting them all for one page takes seconds.
    Relevance order is (tier, search key), so it is read tier by tier:

    - a Chinese query occurs only in the name, which leads the search key:
      exact and prefix matches are one range of the key index, already in
      relevance order (the separator after an exact name sorts before any
      character), and the other matches are walked in key order, testing
      each key (an index-only scan when no filter needs the row);
    - otherwise each tier is sized by a bounded count and either sorted (few)
      or walked along the btree index that is already in the wanted order
      (org_search_key_c, org_name_c, org_recognized_desc), testing rows with
      unindexed predicates. Dense matches fill a page quickly.

    A walk gets WALK_BUDGET_MS; matches bunched in one stretch of the index
    make it long, and the matches are then sorted after all.
    """
    few = _few(offset + limit)
    return _page(params, offset, limit, total, _all_keys(params, few).rows, few)


def _page(params, offset, limit, total, keys, few):
    if keys is not None:
        return _sorted_page(keys, params, offset, limit)
    sort = params.get("sort") or "relevance"
    q = normalized_query(params.get("q") or "")
    counted_to = max(COUNT_CAP, offset + limit)
    if total is None or (total > COUNT_CAP and counted_to > COUNT_CAP):
        total = capped_count(filtered(params), counted_to)
    if sort != "relevance" or not q:
        sort = "name" if sort == "relevance" else sort
        return _fetch(params, None, None, sort, offset, limit, total, few)
    if has_cjk(q) and connection.vendor == "postgresql":
        return _cjk_relevance_page(params, q, offset, limit, few)
    s = SEPARATOR
    # Each tier twice: as LIKE (pg_trgm can find the rows) and as strpos/left/right (for index walks).
    exact = (Q(search_text__startswith=q + s) | Q(search_text__contains=s + q + s) | Q(search_text__endswith=s + q),
             _startswith(q + s) | _contains(s + q + s) | _endswith(s + q))
    prefix = (Q(search_text__startswith=q) | Q(search_text__contains=s + q), _startswith(q) | _contains(s + q))
    tiers = [(exact[0], exact[1]), (prefix[0] & ~exact[1], prefix[1] & ~exact[1]),
             (~prefix[1] & ~exact[1], ~prefix[1] & ~exact[1])]
    # Counted up to `cap`: enough to place the page, and to tell few from many.
    cap = max(few, offset + limit)
    sizes = [capped_count(filtered(params).filter(tiers[0][0]), cap),
             capped_count(filtered(params).filter(tiers[1][0]), cap)]
    sizes.append(total - sizes[0] - sizes[1] if total <= counted_to else counted_to + 1)
    rows = []
    for (found_by, tested_by), size in zip(tiers, sizes):
        if offset < size:
            rows += _fetch(params, found_by, tested_by, "key", offset, limit - len(rows), size, few)
            if len(rows) == limit:
                break
            offset = 0
        else:
            offset -= size
    return rows


SMALL = 500
SORT_CAP = 2_000
_PY_KEYS = {"name": lambda r: (r[1], r[2]), "key": lambda r: r[4]}
_KEY_COLUMNS = ("pk", "name", "uscc", "recognized_on", "search_text")


def _few(rows_needed):
    return min(SORT_CAP, max(SMALL, math.isqrt(rows_needed * max(1, _table_size()))))


def _table_size():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'organizations_organization'::regclass")
            return cursor.fetchone()[0]
    return Organization.objects.count()


# Matches expected beyond this many times `few` skip reading the keys; up to it, the keys are read.
BROAD_ESTIMATE = 4


class Keys(NamedTuple):
    rows: list | None  # the sort keys (_KEY_COLUMNS) of every match, or None: too many to sort
    more_than: int  # when rows is None: read and found more than this many (0: not read, by the estimate)
    expected: float  # the estimate of the matches (PostgreSQL), or 0


def _all_keys(params, few, estimate=True):
    """The sort keys of every match, when there are few enough to sort (see Keys).

    On PostgreSQL an estimate of the matches comes first: when it expects
    many more than `few`, reading keys would be wasted (building the bitmap of
    a common gram's matches alone takes 10-20 ms at a million charities), and
    when it expects a few thousand, up to BROAD_ESTIMATE x `few` keys are read
    and sorted rather than walked. Without an estimate (SQLite, or
    estimate=False) at most `few` are read. A wrong estimate costs time, never
    results: too low, the read overflows and the caller walks; too high, the
    caller walks.
    """
    qs = filtered(params).order_by()
    cap, expected = few, 0
    if estimate and connection.vendor == "postgresql":
        expected = _estimated_matches(qs, params)
        if expected > BROAD_ESTIMATE * few:
            return Keys(None, 0, expected)
        # Filters bunch their matches in the key order (names begin with the province), where walks
        # are slow, and PostgreSQL tests every candidate row of the filters' indexes anyway.
        cap = BROAD_ESTIMATE * few if expected > few // 2 or _has_filters(params) else few
    rows = list(qs.values_list(*_KEY_COLUMNS)[: cap + 1])
    return Keys(rows, 0, expected) if len(rows) <= cap else Keys(None, cap, expected)


_CODE_LIKE = re.compile(r"[0-9a-z]+")


def _estimated_matches(queryset, params):
    """An estimate of the matches, from PostgreSQL's statistics.

    pg_trgm's estimates for a substring are off by 10-100x either way. For
    Chinese text the gram index's statistics know the share of names holding
    each common character and pair of characters; a chain of pairs estimates
    longer text. A code prefix is estimated on the credit code's own index.
    """
    if queryset.query.is_empty():
        return 0
    q = normalized_query(params.get("q") or "")
    unfiltered = not _has_filters(params)
    if unfiltered and _all_chinese(q):
        stats = _gram_stats()
        if stats is not None:
            return _chain_share(q, *stats) * _table_size()
    planned = _planned_rows(queryset)
    if q and unfiltered and _CODE_LIKE.fullmatch(q):
        # Counted, not estimated: an index-only range of the code index, a fraction of a millisecond.
        # (A histogram cannot tell one 8-character code prefix from another.)
        prefixed = Organization.objects.filter(uscc__startswith=q.upper())
        planned = max(planned, capped_count(prefixed, BROAD_ESTIMATE * _few(1)))
    return planned


def _planned_rows(queryset):
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def _chain_share(q, shares, rarest):
    """The share of names holding q: P(first pair) x P(each next pair | its first character)."""
    def share(gram):
        return shares.get(gram, rarest)

    if len(q) <= 2:
        return share(q)
    estimate = share(q[:2])
    for i in range(1, len(q) - 1):
        estimate *= min(1.0, share(q[i:i + 2]) / share(q[i]))
    return estimate


_FILTERS = ("province", "city", "type", "status", "qualified", "tax_deductible", "field")


def _has_filters(params):
    return any(params.get(k) not in (None, "") for k in _FILTERS)  # qualified=False filters too


def _all_chinese(q):
    return bool(q) and all(has_cjk(c) for c in q)
_GRAM_STATS_SECONDS = 600
_gram_stats_cache = {}


def _gram_stats():
    """({gram: share of charities}, the share below which grams are not listed) from ANALYZE, or None."""
    cached = _gram_stats_cache.get(connection.alias)
    if cached and time.monotonic() - cached[0] < _GRAM_STATS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE tablename = 'org_name_grams' LIMIT 1")
        row = cursor.fetchone()
    stats = None
    if row and row[0]:
        grams, shares = row
        stats = (dict(zip(grams, shares)), shares[len(grams)])  # after the per-gram shares: min, max, nulls
    _gram_stats_cache[connection.alias] = (time.monotonic(), stats)
    return stats


# Above this share of all charities, counting walks the table instead of reading the indexes.
WALK_COUNT_SHARE = 0.04


def _count_many(params, expected):
    """capped_count() of a search expected to match many charities.

    When matches are common, testing rows in table order with the unindexed
    predicates meets COUNT_CAP of them within a few ten thousand rows, and
    skips the bitmap of all of them (which grows with the matches: 20 ms for
    a third of a million charities); if the walk runs over budget, or matches
    are fewer, the indexes count.
    """
    common = expected > WALK_COUNT_SHARE * _table_size()
    if connection.vendor == "postgresql" and common and normalized_query(params.get("q") or ""):
        ids = _within_budget(filtered(params, indexed=False).order_by().values_list("pk")[: COUNT_CAP + 1])
        if ids is not None:
            return len(ids)
    return capped_count(filtered(params))


def _sorted_page(keys, params, offset, limit):
    """Rows offset..offset+limit of the matches whose sort keys are `keys`, sorted in Python."""
    sort = params.get("sort") or "relevance"
    q = normalized_query(params.get("q") or "")
    if sort == "relevance" and q:
        tier = _py_tier(q)
        return _slice(sorted(keys, key=lambda r: (tier(r[4]), r[4])), offset, limit)
    return _slice(_in_order(keys, "name" if sort == "relevance" else sort), offset, limit)


def _in_order(keys, sort):
    """Sort keys (_KEY_COLUMNS) in the order of ordering(sort): "name", "recognized" or "key"."""
    if sort == "recognized":
        keys = sorted(keys, key=lambda r: r[2])
        keys.sort(key=lambda r: (r[3] is not None, r[3] or date.min), reverse=True)
        return keys
    return sorted(keys, key=_PY_KEYS[sort])


def _slice(keys, offset, limit):
    """The charities of keys[offset:offset + limit], in that order."""
    ids = [r[0] for r in keys[offset: offset + limit]]
    found = Organization.objects.in_bulk(ids)
    return [found[i] for i in ids]


def _py_tier(q):
    """_tier() in Python: a function of a search key."""
    s = SEPARATOR
    named, inside, field = q + s, s + q + s, s + q  # the name is q; another field is q; a field starts so

    def tier(key):
        if key.startswith(named) or inside in key or key.endswith(field):
            return 0
        return 1 if key.startswith(q) or field in key else 2
    return tier


def _cjk_relevance_page(params, q, offset, limit, few):
    """A broad Chinese query on PostgreSQL, in relevance order (see page())."""
    named = Q(GreaterThanOrEqual(_search_key(), Value(q))) & Q(LessThan(_search_key(), Value(_after_prefix(q))))
    leading = capped_count(filtered(params, indexed=False).filter(named), offset + limit)
    keys = []
    if offset < leading:
        walk = filtered(params, indexed=False).filter(named).order_by(_search_key())
        keys = list(walk.values_list("search_text", flat=True)[offset: offset + limit])
    offset = max(0, offset - leading)
    if len(keys) < limit:
        rest = filtered(params, indexed=False).filter(Q(GreaterThan(StrIndex("search_text", Value(q)), 1)))
        walked = _within_budget(rest.order_by(_search_key()).values_list("search_text", flat=True)
                                [offset: offset + limit - len(keys)])
        if walked is None:  # bunched: sort those matches after all
            in_rest = filtered(params).filter(~Q(search_text__startswith=q))
            walked = sorted(in_rest.values_list("search_text", flat=True))[offset: offset + limit - len(keys)]
        keys += walked
    # By the key index (its "C" collation must be the comparison's for the index to serve it).
    rows = Organization.objects.alias(key=_search_key()).filter(key__in=keys)
    found = {o.search_text: o for o in rows}
    return [found[k] for k in keys]


def _after_prefix(prefix):
    """The least string above every string that starts with `prefix` (code-point order)."""
    last = ord(prefix[-1])
    return prefix[:-1] + chr(last + 1) if last < 0x10FFFF else prefix + "\U0010ffff"


def _fetch(params, found_by, tested_by, sort, offset, limit, size, few):
    if size > few:
        walk = filtered(params, indexed=False)
        if tested_by is not None:
            walk = walk.filter(tested_by)
        key = [_search_key()] if sort == "key" else ordering(sort)
        rows = _within_budget(walk.order_by(*key)[offset: offset + limit])
        if rows is not None:
            return rows
        # Matches bunched in one stretch of the index (a county's name, a region's
        # codes) make a walk long; sorting them is then the cheaper plan after all.
    base = filtered(params)
    if found_by is not None:
        base = base.filter(found_by)
    return _slice(_in_order(list(base.values_list(*_KEY_COLUMNS)), sort), offset, limit)


WALK_BUDGET_MS = 30


def _within_budget(queryset):
    """The rows, or None if PostgreSQL needs more than WALK_BUDGET_MS for them."""
    if connection.vendor != "postgresql":
        return list(queryset)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        previous = cursor.fetchone()[0]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [WALK_BUDGET_MS])
            rows = list(queryset)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [previous])
            return rows
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != "57014":  # query_canceled
            raise
        return None


def _contains(text):
    return Q(GreaterThan(StrIndex("search_text", Value(text)), 0))


def _startswith(text):
    return Q(Exact(Left("search_text", len(text)), Value(text)))


def _endswith(text):
    return Q(Exact(Right("search_text", len(text)), Value(text)))


def ordering(sort, q=""):
    name = Collate("name", "C") if connection.vendor == "postgresql" else F("name")
    if sort == "recognized":
        return [F("recognized_on").desc(nulls_last=True), "uscc"]
    if sort == "relevance" and q:
        return [_tier(q), _search_key()]
    return [name, "uscc"]


def _search_key():
    """Normalised name, English name, code: unique, and code-point order on both databases."""
    return Collate("search_text", "C") if connection.vendor == "postgresql" else F("search_text")


def _tier(q):
    """0: the name, English name or code is exactly q; 1: one of them starts with q; 2: contains it."""
    s = SEPARATOR
    return Case(
        When(Q(search_text__startswith=q + s) | Q(search_text__contains=s + q + s) | Q(search_text__endswith=s + q),
             then=Value(0)),
        When(Q(search_text__startswith=q) | Q(search_text__contains=s + q), then=Value(1)),
        default=Value(2), output_field=IntegerField())


def capped_count(queryset, cap=COUNT_CAP):
    """The number of results, or cap + 1 when there are more than cap."""
    return queryset.order_by()[: cap + 1].count()
