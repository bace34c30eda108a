"""Staff pages: login required, only registry clerks, CSRF enforced, errors in Chinese on the field."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils.translation import gettext, override

from ledger.models import Entry
from organizations.models import Organization
from organizations.normalize import has_cjk
from tests.factories import charity_code, make_staff, register_org

pytestmark = pytest.mark.django_db


def staff_urls(code):
    return [
        "/staff/organizations/", "/staff/organizations/new/", f"/staff/organizations/{code}/edit/",
        f"/staff/organizations/{code}/status/", f"/staff/organizations/{code}/qualification/",
        f"/staff/organizations/{code}/annual-reports/new/", f"/staff/organizations/{code}/disclosures/new/",
        f"/staff/organizations/{code}/corrections/new/",
    ]


def test_the_group_has_exactly_the_registry_permissions():
    group = Group.objects.get(name="registry_clerk")
    ours = set(group.permissions.filter(content_type__app_label="organizations").values_list("codename", flat=True))
    assert ours == {"register_organization", "edit_organization", "publish_disclosure"}
    assert not Permission.objects.filter(content_type__app_label="organizations",
                                         codename__in=["add_organization", "change_organization",
                                                       "delete_organization"]).exists()


def test_anonymous_users_are_sent_to_login():
    org = register_org()
    client = Client()
    for url in staff_urls(org.uscc):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
        if url != "/staff/organizations/":  # the index only answers GET
            assert client.post(url, {"name": "x"}).status_code == 302, url
    assert Entry.objects.filter(subject=org.subject).count() == 1


def test_users_outside_the_group_are_refused():
    org = register_org()
    User.objects.create_user("citizen", password="pw")
    make_staff("reviewer", *[g for g in ["ministry_reviewer"] if Group.objects.filter(name=g).exists()])
    for username in ("citizen", "reviewer"):
        client = Client()
        client.login(username=username, password="pw")
        for url in staff_urls(org.uscc):
            assert client.get(url).status_code == 403, (username, url)
            if url != "/staff/organizations/":
                assert client.post(url, {"reason": "x"}).status_code == 403, (username, url)
    assert Entry.objects.filter(subject=org.subject).count() == 1


def test_a_clerk_registers_a_charity_and_the_ledger_names_them():
    make_staff("clerk1", "registry_clerk")
    client = Client()
    client.login(username="clerk1", password="pw")
    code = charity_code("foundation", "330106")
    response = client.post("/staff/organizations/new/", {
        "uscc": code.lower(), "name": "杭州西湖希望基金会", "org_type": "foundation",
        "registration_authority": "杭州市民政局", "region_code": "330106", "founded_on": "2015-04-01",
        "recognized_on": "2017-02-03", "fields_of_service": ["education", "children"], "phone": "0571-87654321"})
    assert response.status_code == 302
    org = Organization.objects.get(uscc=code)
    assert response["Location"] == f"/organizations/{code}/"
    entry = Entry.objects.get(subject=org.subject)
    assert entry.kind == "organization.registered" and entry.actor == "staff/clerk1"
    assert org.fields_of_service == ["education", "children"]


def test_form_errors_are_in_chinese_and_name_the_field():
    make_staff("clerk2", "registry_clerk")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username="clerk2", password="pw")
    before = Entry.objects.count()
    response = client.post("/staff/organizations/new/", {
        "uscc": "53440300MJ00000011", "name": "", "org_type": "foundation", "registration_authority": "x",
        "region_code": "999999"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "name" in form.errors and has_cjk(form.errors["name"][0])
    response = client.post("/staff/organizations/new/", {
        "uscc": "53440300MJ00000011", "name": "错误代码基金会", "org_type": "foundation",
        "registration_authority": "x", "region_code": "999999"})
    form = response.context["form"]
    assert "uscc" in form.errors and "region_code" in form.errors
    html = response.content.decode()
    with override("zh-hans"):
        uscc_error = gettext("Not a valid unified social credit code (18 characters with a correct check character).")
        region_error = gettext("Not a known administrative division code (GB/T 2260, 6 digits).")
    assert has_cjk(uscc_error) and has_cjk(region_error)
    assert form.errors["uscc"] == [uscc_error] and form.errors["region_code"] == [region_error]
    assert "统一社会信用代码" in html and uscc_error in html and region_error in html
    assert Entry.objects.count() == before


def test_csrf_is_enforced():
    make_staff("clerk3", "registry_clerk")
    org = register_org()
    client = Client(enforce_csrf_checks=True)
    client.login(username="clerk3", password="pw")
    response = client.post(f"/staff/organizations/{org.uscc}/status/",
                           {"status": "revoked", "effective_on": "2024-01-01", "reason": "x"})
    assert response.status_code == 403
    assert Organization.objects.get(pk=org.pk).status == "active"


def test_a_clerk_changes_status_and_publishes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_staff("clerk4", "registry_clerk")
    org = register_org()
    client = Client()
    client.login(username="clerk4", password="pw")
    base = f"/staff/organizations/{org.uscc}"
    assert client.post(f"{base}/qualification/", {"on": "2018-05-06"}).status_code == 302
    assert client.post(f"{base}/disclosures/new/", {"kind": "charter", "disclosed_on": "2024-01-02",
                                                    "title": "章程", "text": "第一条 …"}).status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(f"{base}/annual-reports/new/", {"year": "2023", "income": "1234.56", "expenditure": "1000",
                                                           "net_assets": "-20.5", "file": upload})
    assert response.status_code == 302
    report = org.annual_reports.get()
    assert (report.income_fen, report.expenditure_fen, report.net_assets_fen) == (123456, 100000, -2050)
    seq = report.ledger_seq
    assert client.post(f"{base}/corrections/new/", {"corrects_seq": str(seq), "note": "更正"}).status_code == 302
    assert client.post(f"{base}/status/", {"status": "deregistered", "effective_on": "2024-06-01",
                                           "reason": "注销"}).status_code == 302
    kinds = list(Entry.objects.filter(subject=org.subject).order_by("seq").values_list("kind", "actor"))
    assert kinds[1:] == [("organization.qualification_granted", "staff/clerk4"),
                         ("organization.disclosure_published", "staff/clerk4"),
                         ("organization.disclosure_published", "staff/clerk4"),
                         ("organization.correction_published", "staff/clerk4"),
                         ("organization.status_changed", "staff/clerk4")]
    org.refresh_from_db()
    assert org.status == "deregistered" and not org.public_fundraising_qualified
    assert org.status_changed_on == date(2024, 6, 1)


def test_future_dates_and_wrong_entries_are_refused_on_the_form():
    make_staff("clerk5", "registry_clerk")
    org = register_org()
    client = Client()
    client.login(username="clerk5", password="pw")
    response = client.post(f"/staff/organizations/{org.uscc}/qualification/", {"on": "2999-01-01"})
    assert response.status_code == 400 and "on" in response.context["form"].errors
    response = client.post(f"/staff/organizations/{org.uscc}/corrections/new/", {"corrects_seq": "99999", "note": "x"})
    assert response.status_code == 400 and "corrects_seq" in response.context["form"].errors
    assert Entry.objects.filter(subject=org.subject).count() == 1


def test_a_listed_legal_representative_is_flagged_to_the_clerk():
    from tests.factories import impose

    impose(subject_type="person", subject_name="王某某", list_kind="serious", ground=None)
    make_staff("clerk9", "registry_clerk")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username="clerk9", password="pw")
    code = charity_code("foundation", "330106")
    form = {"uscc": code, "name": "杭州之江助学基金会", "org_type": "foundation",
            "registration_authority": "杭州市民政局", "region_code": "330106", "founded_on": "2015-04-01",
            "legal_representative": "李四"}
    page = client.post("/staff/organizations/new/", form, follow=True).content.decode()
    assert "同名" not in page  # nobody listed by that name
    form["legal_representative"] = "王某某"
    page = client.post(f"/staff/organizations/{code}/edit/", form, follow=True).content.decode()
    assert "同名" in page and "严重违法失信名单" in page
    assert Organization.objects.get(uscc=code).legal_representative == "王某某"  # flagged, not refused
