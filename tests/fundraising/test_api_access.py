"""A platform reads and writes only its own records: every endpoint is tried with another platform's ids."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fundraising.models import ProgressReport
from ledger.models import Entry
from tests.factories import issue_key, make_campaign, make_charity, make_platform

from .api_helpers import PlatformClient, progress_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    a, b = make_platform("plat-a"), make_platform("plat-b")
    org = make_charity()
    own = make_campaign(org, [a], starts_in_days=0, title="A的项目")
    other = make_campaign(org, [b], starts_in_days=0, title="B的项目")
    shared = make_campaign(org, [a, b], starts_in_days=0, title="共同项目")
    api_a, api_b = PlatformClient(client, issue_key(a)[1]), PlatformClient(client, issue_key(b)[1])
    today = timezone.localdate()
    assert api_b.post(f"campaigns/{other.filing_number}/progress/",
                      {"external_id": "b-1", "period_end": today.isoformat(), "raised_fen": 5, "spent_fen": 0}
                      ).status_code == 201
    return {"a": a, "b": b, "own": own, "other": other, "shared": shared, "api_a": api_a, "api_b": api_b,
            "today": today}


def test_me_is_the_calling_platform(world):
    assert world["api_a"].get("me").json()["code"] == "plat-a"
    assert world["api_b"].get("me").json()["code"] == "plat-b"


def test_campaign_list_holds_only_campaigns_running_on_the_platform(world):
    body = world["api_a"].get("campaigns/").json()
    numbers = {c["filing_number"] for c in body["results"]}
    assert numbers == {world["own"].filing_number, world["shared"].filing_number}
    assert body["count"] == 2
    active = world["api_a"].get("campaigns/", status="active").json()
    assert active["count"] == 2
    bad = world["api_a"].get("campaigns/", status="nonsense")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "status"


def test_campaign_detail_of_another_platform_is_not_found(world):
    assert world["api_a"].get(f"campaigns/{world['own'].filing_number}/").status_code == 200
    refused = world["api_a"].get(f"campaigns/{world['other'].filing_number}/")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    # Same answer as for a number that does not exist at all: nothing leaks.
    assert world["api_a"].get("campaigns/NOSUCHNUMBER/").status_code == 404


def test_progress_on_another_platforms_campaign_is_refused_and_nothing_written(world):
    before = (ProgressReport.objects.count(), Entry.objects.count())
    item = {"external_id": "a-x", "period_end": world["today"].isoformat(), "raised_fen": 1, "spent_fen": 0}
    assert world["api_a"].post(f"campaigns/{world['other'].filing_number}/progress/", item).status_code == 404
    assert world["api_a"].get(f"campaigns/{world['other'].filing_number}/progress/").status_code == 404
    batch = world["api_a"].post("progress/batch/", {"items": [
        progress_item("a-y", world["other"].filing_number, world["today"])]}).json()
    assert batch["results"][0]["error"]["code"] == "campaign_not_found"
    assert (ProgressReport.objects.count(), Entry.objects.count()) == before


def test_reading_reports_by_external_id_sees_only_own_reports(world):
    assert world["api_b"].get("progress/b-1/").status_code == 200
    assert world["api_a"].get("progress/b-1/").status_code == 404


def test_platforms_share_a_campaign_but_not_their_reports(world):
    shared = world["shared"].filing_number
    for api, ext in ((world["api_a"], "same-id"), (world["api_b"], "same-id")):
        response = api.post(f"campaigns/{shared}/progress/", {"external_id": ext, "period_end":
                                                             world["today"].isoformat(), "raised_fen": 7,
                                                             "spent_fen": 0})
        assert response.status_code == 201  # one platform's id never collides with another's
    a_reports = world["api_a"].get(f"campaigns/{shared}/progress/").json()
    assert len(a_reports) == 1 and a_reports[0]["external_id"] == "same-id"
    assert ProgressReport.objects.filter(campaign=world["shared"]).count() == 2
    entry = Entry.objects.filter(subject=world["shared"].subject, kind="campaign.progress_reported").first()
    assert entry.actor in ("platform/plat-a", "platform/plat-b")


def test_unknown_endpoint_answers_json_404(world):
    response = world["api_a"].get("donations/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_campaign_not_yet_started_cannot_take_progress(world):
    future = make_campaign(make_charity(), [world["a"]], starts_in_days=10)
    response = world["api_a"].post(f"campaigns/{future.filing_number}/progress/", {
        "external_id": "early", "period_end": world["today"].isoformat(), "raised_fen": 1, "spent_fen": 0})
    assert response.status_code == 400 and response.json()["error"]["code"] == "campaign_not_started"
    late = world["today"] + timedelta(days=1)
    response = world["api_a"].post(f"campaigns/{world['own'].filing_number}/progress/", {
        "external_id": "future", "period_end": late.isoformat(), "raised_fen": 1, "spent_fen": 0})
    assert response.status_code == 400 and response.json()["error"]["field"] == "period_end"
