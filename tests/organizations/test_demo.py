"""Demo data: deterministic, valid codes, every mainland province; seeded through the ledger."""

import pytest
from django.core.management import call_command

from ledger.models import Entry
from organizations import demo, regions, uscc
from organizations.models import Organization


def test_rows_are_deterministic_valid_and_cover_every_province():
    first, again = list(demo._rows(400)), list(demo._rows(400))
    assert first == again
    assert len({r["uscc"] for r in first}) == 400 and len({r["name"] for r in first}) == 400
    for row in first:
        assert uscc.is_valid(row["uscc"]) and row["uscc"][0] == "5"
        assert row["uscc"][1] == demo.CATEGORY[row["org_type"]]
        assert demo._gb11714_check(row["uscc"][8:16]) == row["uscc"][16]  # the embedded organisation code
        assert regions.is_valid(row["region_code"])
    provinces = {regions.province_of(r["region_code"]) for r in first[:31]}
    assert len(provinces) == 31


@pytest.mark.django_db
def test_seed_demo_registers_through_the_ledger(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--organizations", "60", stdout=open("/dev/null", "w"))
    assert Organization.objects.count() == 60
    registered = Entry.objects.filter(kind="organization.registered")
    assert registered.count() == 60
    assert set(registered.values_list("subject", flat=True)) == {o.subject for o in Organization.objects.all()}
    assert Organization.objects.filter(status="deregistered").exists()
    assert Organization.objects.filter(status="revoked").exists()
    assert Entry.objects.filter(kind="organization.correction_published").exists()
