"""Batch ingestion for the platform API: idempotent, per-item results, all-or-nothing writes.

The progress-report endpoints use it now; donations and disbursements plug in
the same way. To add a kind of record, write a `BatchSpec`:

- `model`: the row model. It has a `platform` foreign key, an `external_id`
  (the platform's own id) and a `payload_hash` column, and a UNIQUE
  constraint on (platform, external_id): that constraint is what makes a
  retry racing the original safe.
- `item_serializer`: a DRF serializer for one item (shape and field types;
  also what the OpenAPI schema shows). It must have an `external_id` field.
- `clean_item(raw)` (optional): a plain-Python check of one item's shape
  returning the cleaned dict or raising `ItemRejected`. When present it is
  used instead of the serializer: DRF spends about 250 µs on an item, which
  is most of a 1,000-item request. Keep it in step with the serializer
  (a test should feed both the same good and bad items).
- `prepare(platform, items)`: bulk look-ups for the whole batch (e.g. every
  campaign named by the items, in one query) returned as a context object.
- `build(platform, item, context)`: an unsaved row for one valid item, or
  raise `ItemRejected(code, message, field)` with a reason.
- `entry(platform, row)`: the ledger entry `(kind, subject, actor, data)` of
  a saved row (its primary key is set).
- `select_related` (optional): relations `result(row)` reads, fetched with
  the replayed rows in one query.
- `result(row)`: our ids for the row, e.g. `{"report_id": 17}`; the same
  row always gives the same dict, so a replay returns the first answer.

`process(platform, items, spec)` then:

1. validates each item's shape; rejects a repeated `external_id` within the
   request (`duplicate_in_batch`);
2. finds items accepted before (same platform and `external_id`): an
   identical payload gets the same result as the first time, a different
   payload is rejected (`idempotency_conflict`);
3. builds the new rows, rejecting bad items one by one;
4. in ONE transaction: bulk-inserts the accepted rows, then appends all
   their ledger entries with one `ledger.append_many` call, which takes the
   chain-head lock once, as the last step before COMMIT. A failure rolls
   back the whole batch, so no half-written batch is ever visible;
5. if a concurrent request inserted one of the same ids first (UNIQUE
   violation), retries from step 2, where those items now replay.

It returns one result per item, in request order:
`{"index": i, "external_id": "...", "status": "accepted", "result": {...}}`
or `{"index": i, "external_id": "...", "status": "rejected", "error":
{"code": "...", "field": "...", "message": "..."}}`.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

import ledger

MAX_BATCH_ITEMS = 1000
RETRIES = 3


class ItemRejected(Exception):
    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code, self.message, self.field = code, str(message), field


class BatchTooLarge(ValueError):
    pass


@dataclass
class BatchOutcome:
    results: list
    accepted: int = 0
    rejected: int = 0
    replayed: int = 0
    written: list = field(default_factory=list)

    def summary(self):
        return {"accepted": self.accepted, "rejected": self.rejected, "replayed": self.replayed,
                "results": self.results}


def payload_hash(item):
    text = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_error(errors):
    """(field, message) of the first error in a DRF serializer's errors."""
    if isinstance(errors, dict):
        for name, value in errors.items():
            inner_field, message = first_error(value)
            return (name if name != "non_field_errors" else inner_field), message
    if isinstance(errors, list) and errors:
        return first_error(errors[0])
    return None, str(errors)


def _rejected(index, external_id, code, message, field=None):
    return {"index": index, "external_id": external_id, "status": "rejected",
            "error": {"code": code, "field": field, "message": str(message)}}


def _accepted(index, external_id, result):
    return {"index": index, "external_id": external_id, "status": "accepted", "result": result}


def _validate_shapes(items, spec):
    """Index -> (external_id, validated item, hash) for well-formed items; rejections into `results`."""
    results, valid, seen = [None] * len(items), {}, set()
    # One serializer instance validates every item: building its fields is what costs, not using them.
    clean = getattr(spec, "clean_item", None)
    validator = None if clean else spec.item_serializer()
    for index, raw in enumerate(items):
        external_id = raw.get("external_id") if isinstance(raw, dict) else None
        external_id = external_id if isinstance(external_id, str) else None
        if not isinstance(raw, dict):
            results[index] = _rejected(index, None, "invalid", _("Each item must be a JSON object."))
            continue
        try:
            item = clean(raw) if clean else validator.run_validation(raw)
        except ItemRejected as exc:
            results[index] = _rejected(index, external_id, exc.code, exc.message, exc.field)
            continue
        except ValidationError as exc:
            name, message = first_error(exc.detail)
            results[index] = _rejected(index, external_id, "invalid", message, name)
            continue
        if external_id in seen:
            results[index] = _rejected(index, external_id, "duplicate_in_batch",
                                       _("This external_id appears earlier in the same request."), "external_id")
            continue
        seen.add(external_id)
        valid[index] = (external_id, item, payload_hash(raw))
    return results, valid


def process(platform, items, spec):
    """Ingest `items` (a list of dicts) for `platform`; see the module docstring."""
    if len(items) > MAX_BATCH_ITEMS:
        raise BatchTooLarge(_("At most %(n)d items per request.") % {"n": MAX_BATCH_ITEMS})
    base_results, valid = _validate_shapes(items, spec)
    for _attempt in range(RETRIES):
        outcome = BatchOutcome(results=list(base_results))
        try:
            _ingest(platform, valid, spec, outcome)
        except IntegrityError:
            continue
        outcome.rejected = sum(1 for r in outcome.results if r["status"] == "rejected")
        outcome.accepted = len(outcome.results) - outcome.rejected
        return outcome
    raise IntegrityError("batch kept colliding with concurrent requests")


def _ingest(platform, valid, spec, outcome):
    results = outcome.results
    ids = [external_id for external_id, _item, _hash in valid.values()]
    rows_before = spec.model.objects.filter(platform=platform, external_id__in=ids)
    rows_before = rows_before.select_related(*getattr(spec, "select_related", ()))
    existing = {row.external_id: row for row in rows_before} if ids else {}
    fresh = {}
    for index, (external_id, item, digest) in valid.items():
        row = existing.get(external_id)
        if row is None:
            fresh[index] = (external_id, item, digest)
        elif row.payload_hash == digest:
            results[index] = _accepted(index, external_id, spec.result(row))
            outcome.replayed += 1
        else:
            results[index] = _rejected(index, external_id, "idempotency_conflict",
                                       _("This external_id was accepted before with different content."),
                                       "external_id")
    context = spec.prepare(platform, [item for _e, item, _h in fresh.values()])
    rows = []
    for index, (external_id, item, digest) in fresh.items():
        try:
            row = spec.build(platform, item, context)
        except ItemRejected as exc:
            results[index] = _rejected(index, external_id, exc.code, exc.message, exc.field)
            continue
        row.platform, row.external_id, row.payload_hash = platform, external_id, digest
        rows.append((index, row))
    if not rows:
        return
    with transaction.atomic():
        created = spec.model.objects.bulk_create([row for _i, row in rows])
        # The chain-head lock is taken here, last, and held only until COMMIT.
        ledger.append_many([spec.entry(platform, row) for row in created])
    for (index, _row), row in zip(rows, created):
        results[index] = _accepted(index, row.external_id, spec.result(row))
    outcome.written = created
