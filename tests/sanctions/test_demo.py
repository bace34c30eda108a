"""seed_demo leaves every list populated, with a removal and an automatic escalation, all in the ledger."""

import pytest
from django.core.management import call_command

from ledger.models import Entry
from sanctions.models import Decision

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_every_list(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", organizations=40, stdout=open("/dev/null", "w"))
    decisions = Decision.objects.all()
    assert {d.list_kind for d in decisions} == {"abnormal", "serious", "red"}
    assert {d.subject_type for d in decisions} >= {"organization", "person"}
    assert decisions.filter(status="removed", end_reason="rectified").count() == 1
    escalated = decisions.get(status="escalated")
    assert decisions.get(escalated_from=escalated).list_kind == "serious"
    for d in decisions:
        assert Entry.objects.filter(subject=d.ledger_subject, kind="sanction.imposed").count() == 1
    assert Entry.objects.filter(kind="sanction.escalated", actor="system").count() == 1
    # Running it again adds nothing.
    before = Entry.objects.count()
    from sanctions import demo

    class Quiet:
        class stdout:
            write = staticmethod(lambda text: None)

    demo.seed(Quiet, {})
    assert Entry.objects.count() == before
