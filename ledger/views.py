"""Public HTTP interface of the ledger (LEDGER_SPEC §4). No login, exact formats."""

import re
import struct

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from . import note, proofs
from .keys import verifiers
from .models import Checkpoint, Entry
from .note import TILE_WIDTH
from .tiles import TileStore, tile_width_at

NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")
MAX_RANGE = 1000


class BadParam(Exception):
    def __init__(self, param, message):
        super().__init__(message)
        self.param, self.message = param, message


def bad_request(exc):
    return JsonResponse({"error": exc.message, "param": exc.param}, status=400)


def number(value, param):
    if value is None:
        raise BadParam(param, f"missing parameter {param}")
    if not NUMBER.fullmatch(value):
        raise BadParam(param, f"{param} must be a non-negative decimal integer without sign or leading zeros")
    return int(value)


def text(body, status=200, cache="no-cache"):
    response = HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json(data, status=200, cache="no-cache"):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def entry_json(seq, leaf, entry_hash):
    return {"seq": seq, "leaf": leaf, "entry_hash": entry_hash}


@require_GET
def checkpoint(request):
    cp = proofs.latest_checkpoint()
    if cp is None:
        return text("no checkpoint has been signed yet\n", status=404)
    return text(cp.note)


@require_GET
def checkpoint_at(request, size):
    try:
        size = number(size, "size")
    except BadParam as exc:
        return bad_request(exc)
    cp = Checkpoint.objects.filter(size=size).first()
    if cp is None:
        return text("no checkpoint was signed at that size\n", status=404)
    return text(cp.note, cache="public, max-age=31536000, immutable")


@require_GET
def key(request):
    return text("".join(v.text + "\n" for v in verifiers()), cache="public, max-age=300")


@require_GET
def entry(request, seq):
    try:
        seq = number(seq, "seq")
    except BadParam as exc:
        return bad_request(exc)
    row = Entry.objects.filter(seq=seq).values_list("seq", "leaf", "entry_hash").first()
    if row is None:
        return json({"error": "no such entry"}, status=404)
    return json(entry_json(*row))


@require_GET
def entries(request):
    try:
        start = number(request.GET.get("start"), "start")
        end = number(request.GET.get("end"), "end")
        if end < start:
            raise BadParam("end", "end must not be below start")
        if end - start > MAX_RANGE:
            raise BadParam("end", f"at most {MAX_RANGE} entries per request")
    except BadParam as exc:
        return bad_request(exc)
    rows = Entry.objects.filter(seq__gte=start, seq__lt=end).order_by("seq").values_list("seq", "leaf", "entry_hash")
    return json({"entries": [entry_json(*r) for r in rows]})


def _signed_size():
    cp = proofs.latest_checkpoint()
    return 0 if cp is None else cp.size


@require_GET
def inclusion_proof(request):
    try:
        seq = number(request.GET.get("seq"), "seq")
        size = number(request.GET.get("size"), "size")
        if size > _signed_size():
            raise BadParam("size", "size is beyond the latest checkpoint")
        if seq >= size:
            raise BadParam("seq", "seq must be below size")
    except BadParam as exc:
        return bad_request(exc)
    root, hashes = proofs.inclusion(seq, size)
    return json({"seq": seq, "size": size, "root": note.b64(root), "hashes": [note.b64(h) for h in hashes]})


@require_GET
def consistency_proof(request):
    try:
        old = number(request.GET.get("old"), "old")
        size = number(request.GET.get("size"), "size")
        if size > _signed_size():
            raise BadParam("size", "size is beyond the latest checkpoint")
        if old > size:
            raise BadParam("old", "old must not exceed size")
    except BadParam as exc:
        return bad_request(exc)
    hashes = proofs.consistency(old, size)
    return json({"old": old, "size": size, "hashes": [note.b64(h) for h in hashes]})


TILE_PATH = re.compile(r"(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[0-9]+))?")


@require_GET
def tile(request, path):
    """C2SP tlog-tiles for the latest checkpoint's tree; anything else is a 404."""
    m = TILE_PATH.fullmatch(path)
    if not m:
        return text("no such tile\n", status=404)
    try:
        index = note.parse_tile_index(m.group("index"))
    except note.NoteError:
        return text("no such tile\n", status=404)
    width_text = m.group("width")
    if width_text is not None and not re.fullmatch(r"[1-9][0-9]{0,2}", width_text):
        return text("no such tile\n", status=404)
    entries_tile = m.group("level") == "entries"
    level = 0 if entries_tile else int(m.group("level"))
    if level > 63:
        return text("no such tile\n", status=404)
    cp = proofs.latest_checkpoint()
    size = cp.size if cp else 0
    have = tile_width_at(level, index, size)
    if width_text is None:
        if have != TILE_WIDTH:
            return text("no such tile\n", status=404)
        width, cache = TILE_WIDTH, "public, max-age=31536000, immutable"
    else:
        width = int(width_text)
        if not 1 <= width < TILE_WIDTH or width != have:
            return text("no such tile\n", status=404)
        cache = "public, max-age=60"
    if entries_tile:
        start = index * TILE_WIDTH
        leaves = (Entry.objects.filter(seq__gte=start, seq__lt=start + width)
                  .order_by("seq").values_list("leaf", flat=True))
        body = b"".join(struct.pack(">H", len(b)) + b for b in (leaf.encode("utf-8") for leaf in leaves))
    else:
        body = b"".join(TileStore().tile_hashes(level, index, width))
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


