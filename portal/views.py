"""The home page: what the portal is, a charity search box, the latest signed checkpoint, recent entries."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ledger.models import Entry
from ledger.pages import checkpoint_facts
from ledger.proofs import latest_checkpoint

RECENT = 8


@require_GET
def home(request):
    return render(request, "portal/home.html", {
        "checkpoint": checkpoint_facts(latest_checkpoint()),
        "recent": Entry.objects.order_by("-seq")[:RECENT],
    })
