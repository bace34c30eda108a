"""Daily work of the credit lists: automatic transitions, then the export for other departments."""

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from . import actions, export

log = logging.getLogger(__name__)


def _day(value):
    # The worker's clock cannot be frozen from a test, so callers may name the day (ISO text over the broker).
    return date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="sanctions.tasks.apply_transitions")
def apply_transitions(today=None):
    return actions.apply_transitions(_day(today))


@shared_task(name="sanctions.tasks.write_export")
def write_export(day=None):
    """Sign the ledger as it stands and publish the day's export at that checkpoint."""
    from ledger import anchor

    checkpoint = anchor.anchor()
    if checkpoint is None:
        log.error("sanctions export for %s not written: the ledger could not be anchored", day)
        return None
    doc = export.write(_day(day), checkpoint)
    return {"date": doc["date"], "size": doc["checkpoint"]["size"], "rows": len(doc["rows"])}


@shared_task(name="sanctions.tasks.daily")
def daily(today=None):
    done = apply_transitions(today)
    return {**done, "export": write_export(today)}
