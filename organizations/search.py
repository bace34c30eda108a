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

import math
from datetime import date

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Left, Right, StrIndex
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan

from .models import Organization, ServiceField
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
        qs = qs.filter(Exists(ServiceField.objects.filter(organization=OuterRef("pk"), field=params["field"])))
    q = params.get("q") or ""
    if indexed:
        return match(qs, q)
    q = normalized_query(q)
    if len(q) > MAX_QUERY:
        return qs.none()
    return qs.filter(_contains(q)) if q else qs


def page(params, offset, limit, total=None):
    """Rows offset..offset+limit of search(params), in that order, without sorting every match.

    A broad query ("基金会", a province's code prefix) matches hundreds of
    thousands of charities; sorting them all for one page takes seconds.
    Relevance order is (tier, search key), so it is read tier by tier, and
    each part is fetched by one of two plans, chosen by its size (a bounded
    count) rather than left to row estimates, which are poor for trigram and
    gram matches:

    - few rows: the indexes find them (bitmap scan) and Python sorts their
      keys (code-point order, the same as "C" collation and SQLite);
    - many: walk the btree index that is already in the wanted order
      (org_search_key_c, org_name_c, org_recognized_desc), testing each row
      with unindexed predicates; dense matches fill a page quickly. Key
      order is what makes this work: a name prefix is one contiguous range
      of it, and other substrings are spread evenly through it.

    "Few" is about sqrt((offset + limit) x all charities), where the rows a
    sort must fetch and the rows a walk must test are about equal, but at
    most COUNT_CAP, so that the page's own result count (`total`, the
    capped_count() of the search, passed in when the caller has it) tells.
    """
    sort = params.get("sort") or "relevance"
    q = normalized_query(params.get("q") or "")
    few = _few(offset + limit)
    counted_to = max(COUNT_CAP, offset + limit)
    if total is None or (total > COUNT_CAP and counted_to > COUNT_CAP):
        total = capped_count(filtered(params), counted_to)
    if sort != "relevance" or not q:
        sort = "name" if sort == "relevance" else sort
        return _fetch(params, None, None, sort, offset, limit, total, few)
    s = SEPARATOR
    # Each tier twice: as LIKE (pg_trgm can find the rows) and as strpos/left/right (for index walks).
    exact = (Q(search_text__startswith=q + s) | Q(search_text__contains=s + q + s) | Q(search_text__endswith=s + q),
             _startswith(q + s) | _contains(s + q + s) | _endswith(s + q))
    prefix = (Q(search_text__startswith=q) | Q(search_text__contains=s + q), _startswith(q) | _contains(s + q))
    # Chinese text only occurs in the name, so those names form one range of the key order:
    # stating the range (implied by the prefix) lets the walk start there.
    in_range = _key_range(q) if has_cjk(q) else Q()
    tiers = [(exact[0], exact[1]), (prefix[0] & ~exact[1], prefix[1] & ~exact[1] & in_range),
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
_PY_KEYS = {"name": lambda r: (r[1], r[2]), "key": lambda r: r[4]}


def _few(rows_needed):
    return min(COUNT_CAP, max(SMALL, math.isqrt(rows_needed * max(1, _table_size()))))


def _table_size():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'organizations_organization'::regclass")
            return cursor.fetchone()[0]
    return Organization.objects.count()


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
    keys = list(base.values_list("pk", "name", "uscc", "recognized_on", "search_text"))
    if sort == "recognized":
        keys.sort(key=lambda r: r[2])
        keys.sort(key=lambda r: (r[3] is not None, r[3] or date.min), reverse=True)
    else:
        keys.sort(key=_PY_KEYS[sort])
    ids = [r[0] for r in keys[offset: offset + limit]]
    found = Organization.objects.in_bulk(ids)
    return [found[i] for i in ids]


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


def _key_range(q):
    key = _search_key()
    return Q(GreaterThanOrEqual(key, Value(q))) & Q(LessThan(key, Value(q + "\U0010ffff")))


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
