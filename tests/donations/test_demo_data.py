"""seed_demo's donations: receipts a newcomer can open at once, and no personal data in any ledger leaf."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from donations import demo
from donations.models import Correction, Disbursement, Donation, Refund
from ledger.models import Entry

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])")
# A resident ID number (GB 11643): region, birth date, sequence, check character. Credit codes of 18 digits
# are public identifiers, not ID numbers: the birth date and the check character tell them apart.
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                          r"(?![0-9A-Za-z])")


def id_numbers(text):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    found = []
    for m in ID_CANDIDATE.finditer(text):
        number = m.group().upper()
        check = "10X98765432"[sum(int(c) * w for c, w in zip(number, weights)) % 11]
        if number[-1] == check:
            found.append(number)
    return found


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", organizations=60, stdout=out)
    return out.getvalue()


def test_seed_demo_prints_receipts_that_open(client, seeded):
    lines = re.findall(r"^demo receipt: (\S+) (\S+)$", seeded, re.MULTILINE)
    assert len(lines) == demo.DEMO_RECEIPTS
    for receipt_no, code in lines:
        response = client.get(reverse("receipt-lookup"), {"no": receipt_no, "code": code})
        assert response.status_code == 200 and receipt_no in response.content.decode()
    assert Donation.objects.count() >= 300
    assert Refund.objects.exists() and Correction.objects.exists() and Disbursement.objects.count() == 3


def test_no_ledger_leaf_of_the_demo_holds_personal_data(seeded):
    leaves = list(Entry.objects.values_list("seq", "leaf"))
    assert sum('"kind":"donation.recorded"' in leaf for _seq, leaf in leaves) >= 300
    donor_facts = [fact for donor in demo.DONORS for fact in donor]
    for seq, leaf in leaves:
        assert not MOBILE.search(leaf), f"entry {seq} holds a mobile number: {MOBILE.search(leaf).group()}"
        assert not id_numbers(leaf), f"entry {seq} holds an ID number: {id_numbers(leaf)}"
        for fact in donor_facts:
            assert fact not in leaf, f"entry {seq} holds a donor's {fact!r}"
    # The scan would see them: the donors' phones did reach the portal, as the identifiers committed to.
    assert any(MOBILE.fullmatch(phone) for _name, phone, _id in demo.DONORS)
    assert all(id_numbers(id_number) == [id_number] for _name, _phone, id_number in demo.DONORS)
