"""seed_demo adds platforms in every state and campaigns in every status, deterministically."""

from collections import Counter

import pytest
from django.core.management import call_command

from fundraising.models import Campaign, Platform, Recommendation
from ledger.models import Entry

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state(capsys):
    call_command("seed_demo", "--organizations", "60")
    statuses = Counter(Platform.objects.values_list("status", flat=True))
    assert set(statuses) == set(Platform.Status.values)
    assert statuses["designated"] >= 10
    assert set(Campaign.objects.values_list("status", flat=True)) == set(Campaign.Status.values)
    assert Recommendation.objects.filter(state="open").exists()  # an application waiting for its second reviewer
    assert Platform.objects.get(code="tencent-gongyi").name == "腾讯公益"
    # Every demo row came through an action: each platform and campaign has its history.
    for subject in [p.subject for p in Platform.objects.all()] + [c.subject for c in Campaign.objects.all()]:
        assert Entry.objects.filter(subject=subject).exists(), subject
    assert "fundraising platforms" in capsys.readouterr().out
