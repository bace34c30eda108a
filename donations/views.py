"""The donor's pages: look up a receipt, see it with its campaign's money, download its offline proof.

A wrong code and an unknown receipt number get the same answer (no way to
find out which receipts exist), and lookups are throttled per client
address in the shared cache. The code travels in the URL (the QR code and
the LEDGER_SPEC §5 proof URL carry it), so these answers are never cached
and send no Referer onwards.
"""

import io

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.throttling import AnonRateThrottle

from ledger import proofs

from . import queries, receipts
from .forms import ReceiptLookupForm

DEFAULT_RATE = "30/min"


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def throttled(request):
    """Count one lookup for the client address; True once it is over RECEIPT_LOOKUP_RATE."""
    rate = getattr(settings, "RECEIPT_LOOKUP_RATE", DEFAULT_RATE)
    limit, period = AnonRateThrottle().parse_rate(rate)
    ident = AnonRateThrottle().get_ident(request)  # honours REST_FRAMEWORK["NUM_PROXIES"] like the APIs
    key = f"receipt-lookup:{ident}"
    if cache.add(key, 1, period):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, period)
        return False
    return count > limit


@require_GET
def receipt_lookup(request):
    """`/receipts/?no=<receipt number>&code=<verification code>`; without parameters, the form."""
    if "no" not in request.GET and "code" not in request.GET:
        return _private(render(request, "donations/receipt_lookup.html", {"form": ReceiptLookupForm()}))
    form = ReceiptLookupForm(request.GET)
    if not form.is_valid():
        return _private(render(request, "donations/receipt_lookup.html", {"form": form}, status=400))
    if throttled(request):
        form.add_error(None, _("Too many lookups from your network. Wait a minute and try again."))
        return _private(render(request, "donations/receipt_lookup.html", {"form": form}, status=429))
    donation = queries.find_receipt(form.cleaned_data["no"], form.cleaned_data["code"])
    if donation is None:
        form.add_error(None, _("No receipt matches this number and verification code. Check both against your "
                               "receipt."))
        return _private(render(request, "donations/receipt_lookup.html", {"form": form}, status=404))
    return _private(render(request, "donations/receipt.html", receipt_context(request, donation,
                                                                               form.cleaned_data["code"])))


def receipt_context(request, donation, code):
    entries = queries.donation_entries(donation)
    recorded = next((e for e in entries if e.kind == "donation.recorded"), None)
    checkpoint = proofs.latest_checkpoint()
    query = urlencode({"no": donation.receipt_no, "code": code})
    receipt_url = request.build_absolute_uri(f"{reverse('receipt-lookup')}?{query}")
    return {
        "donation": donation,
        "code": code,
        "recorded": recorded,
        "entries": entries,
        "refunds": list(donation.refunds.order_by("recorded_at", "id")),
        "anchored": bool(recorded and checkpoint and recorded.seq < checkpoint.size),
        "proof_url": f"{reverse('receipt-proof', args=[donation.receipt_no])}?{urlencode({'code': code})}",
        "salt": receipts.commitment_salt(donation.receipt_no, code).hex(),
        "qr_svg": _qr_svg(receipt_url),
        "receipt_url": receipt_url,
        "money": queries.money_view(donation.campaign),
        "receipt_texts": receipt_texts(),
    }


def receipt_texts():
    """What static/donations/receipt.js says once the browser has checked the donation's entry."""
    return {
        "proven": _("Proven without trusting this server: ledger entry #%(seq)s records receipt %(no)s, a donation "
                    "of %(amount)s yuan to campaign %(campaign)s of the charity %(organization)s through platform "
                    "%(platform)s, and that entry is in the tree of %(size)s entries signed with the ledger key "
                    "%(key)s."),
        "mismatch": _("The signed entry does not say what this page shows (%(member)s differs). Trust the signed "
                      "entry, and report the difference to the ministry."),
        "failed": _("This receipt could NOT be proven: the ledger entry or its proof failed a check (see above). "
                    "Do not rely on this page; report it to the ministry."),
        "pending": _("Recorded, but not yet in a signed checkpoint: try again after the next anchoring, usually "
                     "within a minute."),
    }


def _qr_svg(url):
    out = io.BytesIO()
    # A fixed mask: choosing the "best" of eight costs three quarters of the encoding time, and all scan.
    segno.make(url, error="m", mask=0).save(out, kind="svg", scale=3, border=2, xmldecl=False, svgns=True,
                                    title=_("QR code of this receipt"))
    return out.getvalue().decode("utf-8")


def _text(body, status):
    return _private(HttpResponse(body, content_type="text/plain; charset=utf-8", status=status))


@require_GET
def receipt_proof(request, receipt_no):
    """`/receipts/<receipt no>.tlog-proof?code=...`: the C2SP tlog-proof of LEDGER_SPEC §5."""
    if throttled(request):
        return _text("too many lookups from your network; wait a minute and try again\n", 429)
    donation = queries.find_receipt(receipt_no, request.GET.get("code", ""))
    if donation is None:
        return _text("no receipt with this number and verification code\n", 404)
    recorded = queries.recorded_entry(donation)
    try:
        body = proofs.receipt_proof(recorded.seq)
    except proofs.ProofUnavailable:
        return _text("this donation is recorded but not yet covered by a signed checkpoint; "
                     "retry after the next anchoring (usually within a minute)\n", 409)
    response = _text(body, 200)
    response["Content-Disposition"] = f'attachment; filename="{donation.receipt_no}.tlog-proof"'
    return response
