"""The daily export of the credit lists for other departments (CSV and JSON).

An export is computed from the ledger, not from the domain tables: it replays
every `sanction.*` entry up to a signed checkpoint and keeps, for each
decision, the state its latest entry records. So a recipient holding the
checkpoint can recompute the same rows from the public ledger and prove that
the export is complete and unaltered (docs/sanctions-export.md,
sanctions/verify_export.py). Each row carries the seq of that latest entry,
for inclusion proofs of single rows.

Files are written once per day under MEDIA_ROOT/sanctions/exports/ and never
rewritten: a published export does not change.
"""

import base64
import csv
import io
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ledger.models import Entry

from .verify_export import FORMAT, ROW_FIELDS, rows_from_entries

EXPORT_DIR = "sanctions/exports"


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR


def export_path(day: date, fmt: str) -> Path:
    return export_dir() / f"{day.isoformat()}.{fmt}"


def build(day: date, checkpoint) -> dict:
    """The export document for `day` at `checkpoint` (a ledger Checkpoint)."""
    entries = (Entry.objects.filter(subject__startswith="sanction/", seq__lt=checkpoint.size)
               .order_by("seq").values_list("seq", "entry_hash", "leaf"))
    rows, considered = rows_from_entries(entries.iterator(chunk_size=2000), day)
    return {
        "format": FORMAT,
        "date": day.isoformat(),
        "generated_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "checkpoint": {"size": checkpoint.size, "root": checkpoint.root, "note": checkpoint.note},
        "sanction_entries": considered,
        "rows": rows,
    }


def to_json(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def to_csv(doc) -> str:
    """The rows with the checkpoint in leading `#` lines (the note base64-encoded: it spans lines)."""
    out = io.StringIO()
    cp = doc["checkpoint"]
    for line in (FORMAT, f"date: {doc['date']}", f"checkpoint_size: {cp['size']}", f"checkpoint_root: {cp['root']}",
                 "checkpoint_note_b64: " + base64.b64encode(cp["note"].encode("utf-8")).decode("ascii"),
                 f"sanction_entries: {doc['sanction_entries']}"):
        out.write(f"# {line}\n")
    writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in doc["rows"]:
        writer.writerow({k: "" if row[k] is None else row[k] for k in ROW_FIELDS})
    return out.getvalue()


def write(day: date, checkpoint) -> dict:
    """Write the day's CSV and JSON unless they exist; return the document as published."""
    json_path = export_path(day, "json")
    if json_path.exists():
        return json.loads(json_path.read_text(encoding="utf-8"))
    doc = build(day, checkpoint)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    # CSV first, JSON last: the JSON file's presence marks a complete export.
    for path, text in ((export_path(day, "csv"), to_csv(doc)), (json_path, to_json(doc))):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return doc


def available_days() -> list[str]:
    directory = export_dir()
    if not directory.is_dir():
        return []
    return sorted((p.stem for p in directory.glob("*.json")), reverse=True)
