"""A listed person's full ID number appears nowhere: database, ledger, pages, API, exports, files."""

import json
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from ledger.models import Entry
from sanctions import actions, tasks
from sanctions.models import Decision
from tests.factories import PERSON_ID, credit_officer, impose

pytestmark = pytest.mark.django_db
CORE = PERSON_ID[:17]  # the number without its check character, however it was typed


def everything_in_the_database():
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(out)


def test_the_number_is_nowhere(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = credit_officer()
    client.force_login(officer)
    response = client.post("/sanctions/manage/new/", {
        "list_kind": "serious", "ground": "donation_fraud", "subject_type": "person",
        "id_number": f" {PERSON_ID.lower()} ", "subject_name": "张某", "decision_no": "民社失〔2026〕2号",
        "authority": "民政部", "legal_basis": "《慈善法》", "facts": "虚构病情骗取捐款",
        "effective_on": "2026-01-05"})
    assert response.status_code == 302
    d = Decision.objects.get()
    actions.record_appeal("staff/officer", d, kind="litigation", filed_on=date(2026, 2, 1), body="北京一中院",
                          summary="不服决定提起行政诉讼")
    flagged = impose(subject_type="person", list_kind="serious", ground="responsible_person", subject_name="王某",
                     code="440305199003071535", effective_on=timezone.localdate())
    tasks.write_export(timezone.localdate().isoformat())

    pages = [client.get(url).content.decode() for url in (
        "/sanctions/", "/sanctions/?type=person", d.get_absolute_url(), f"/sanctions/manage/{d.public_id}/",
        "/sanctions/manage/", "/api/sanctions/", f"/api/sanctions/{d.public_id}", f"/ledger/history/{d.subject}")]
    pages.append(client.post("/sanctions/manage/", {"q": PERSON_ID}).content.decode())
    assert d.public_id in pages[0] and "1101**********002X" in pages[0]
    files = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    files += [p.name for p in tmp_path.rglob("*")]
    leaves = list(Entry.objects.values_list("leaf", flat=True))
    assert any(d.subject in leaf for leaf in leaves)
    assert json.loads(leaves[0])["data"]["party_code"] == "1101**********002X"

    for where, text in [("database", everything_in_the_database()), ("ledger", "\n".join(leaves)),
                        ("pages", "\n".join(pages)), ("files and exports", "\n".join(files))]:
        for number in (CORE, "440305199003071535"[:17]):
            assert number not in text, f"a full ID number in the {where}"
    assert flagged.subject_code == "4403**********1535"
