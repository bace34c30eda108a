"""Every change to a charity, each in one transaction with its ledger entry."""

from django.db import transaction

import ledger

from .models import Organization


def register_organization(actor: str, **fields) -> Organization:
    """Register a charity. `actor` is the ledger actor, e.g. `staff/<username>`."""
    org = Organization(**fields)
    org.full_clean()
    with transaction.atomic():
        org.save()
        ledger.append("organization.registered", org.subject, actor, org.public_state())
    return org
