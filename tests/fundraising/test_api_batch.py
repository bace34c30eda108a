"""Batch progress reports: per-item results, idempotent retries, size limits, all-or-nothing writes."""

import json
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

import ledger
from fundraising.models import KeyUse, ProgressReport
from ledger.models import Entry
from tests.conftest import on_postgres
from tests.factories import issue_key, make_campaign, make_charity, make_platform

from .api_helpers import PlatformClient, progress_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    platform = make_platform("batchplat")
    campaigns = [make_campaign(make_charity(), [platform], starts_in_days=0) for _ in range(2)]
    key, plain = issue_key(platform)
    return {"platform": platform, "campaigns": campaigns, "api": PlatformClient(client, plain), "key": key,
            "today": timezone.localdate()}


def items_for(setup, n, prefix="r"):
    numbers = [c.filing_number for c in setup["campaigns"]]
    return [progress_item(f"{prefix}-{i}", numbers[i % 2], setup["today"], raised_fen=1000 * i, donations_count=i)
            for i in range(n)]


def test_bad_items_are_rejected_one_by_one_and_the_rest_written_with_one_lock(setup):
    items = items_for(setup, 4)
    items[1]["raised_fen"] = -5
    items[2]["filing_number"] = "NOSUCHFILING"
    before = Entry.objects.count()
    response = setup["api"].post("progress/batch/", {"items": items})
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["rejected"], body["replayed"]) == (2, 2, 0)
    statuses = [(r["index"], r["external_id"], r["status"]) for r in body["results"]]
    assert statuses == [(0, "r-0", "accepted"), (1, "r-1", "rejected"), (2, "r-2", "rejected"),
                        (3, "r-3", "accepted")]
    assert body["results"][1]["error"]["field"] == "raised_fen"
    assert body["results"][2]["error"] == {"code": "campaign_not_found", "field": "filing_number",
                                           "message": body["results"][2]["error"]["message"]}
    ours = [r["result"]["report_id"] for r in body["results"] if r["status"] == "accepted"]
    reports = ProgressReport.objects.filter(pk__in=ours).order_by("pk")
    assert [r.external_id for r in reports] == ["r-0", "r-3"]
    new = list(Entry.objects.filter(seq__gte=before).order_by("seq"))
    assert [e.kind for e in new] == ["campaign.progress_reported"] * 2
    # One append_many call: one time stamp for the whole batch, consecutive seqs.
    assert len({e.time for e in new}) == 1 and new[1].seq == new[0].seq + 1
    assert {json.loads(e.leaf)["data"]["report"]["platform_report_id"] for e in new} == {"r-0", "r-3"}
    assert all(e.actor == "platform/batchplat" for e in new)
    assert KeyUse.objects.filter(key=setup["key"], items=4).count() == 1


def test_retry_returns_the_same_result_and_writes_nothing(setup):
    items = items_for(setup, 3)
    first = setup["api"].post("progress/batch/", {"items": items}).json()
    counts = (ProgressReport.objects.count(), Entry.objects.count())
    again = setup["api"].post("progress/batch/", {"items": items}).json()
    assert again["results"] == first["results"]
    assert (again["accepted"], again["replayed"]) == (3, 3)
    assert (ProgressReport.objects.count(), Entry.objects.count()) == counts


def test_a_retry_can_mix_replayed_and_new_items(setup):
    items = items_for(setup, 2)
    first = setup["api"].post("progress/batch/", {"items": items}).json()
    more = items + items_for(setup, 3, prefix="n")
    second = setup["api"].post("progress/batch/", {"items": more}).json()
    assert second["results"][:2] == first["results"]
    assert (second["accepted"], second["replayed"]) == (5, 2)
    assert ProgressReport.objects.count() == 5


def test_same_external_id_with_different_content_is_a_conflict(setup):
    item = items_for(setup, 1)[0]
    setup["api"].post("progress/batch/", {"items": [item]})
    changed = dict(item, raised_fen=item["raised_fen"] + 1)
    body = setup["api"].post("progress/batch/", {"items": [changed]}).json()
    assert body["results"][0]["error"]["code"] == "idempotency_conflict"
    assert ProgressReport.objects.get().raised_fen == item["raised_fen"]


def test_duplicate_external_id_within_one_request(setup):
    item = items_for(setup, 1)[0]
    body = setup["api"].post("progress/batch/", {"items": [item, item]}).json()
    assert [r["status"] for r in body["results"]] == ["accepted", "rejected"]
    assert body["results"][1]["error"]["code"] == "duplicate_in_batch"


def test_oversize_batch_is_rejected_whole(setup):
    before = Entry.objects.count()
    response = setup["api"].post("progress/batch/", {"items": items_for(setup, 1001)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "batch_too_large"
    assert not ProgressReport.objects.exists() and Entry.objects.count() == before


def test_a_full_batch_of_1000_is_accepted(setup):
    body = setup["api"].post("progress/batch/", {"items": items_for(setup, 1000)}).json()
    assert body["accepted"] == 1000 and ProgressReport.objects.count() == 1000


def test_request_body_over_the_limit_gets_413(setup, settings):
    settings.PLATFORM_API_MAX_BYTES = 2000
    response = setup["api"].post("progress/batch/", {"items": items_for(setup, 30)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("body, field", [
    ("{not json", None),
    ({"items": "all of them"}, "items"),
    ({"rows": []}, "items"),
    ([1, 2], "items"),
])
def test_malformed_requests_get_clear_json_errors(setup, body, field):
    response = setup["api"].post("progress/batch/", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] and error["field"] == field


def test_items_that_are_not_objects_are_rejected_individually(setup):
    body = setup["api"].post("progress/batch/", {"items": ["x", None, items_for(setup, 1)[0]]}).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected", "accepted"]


def test_errors_follow_the_requested_language(setup):
    item = dict(items_for(setup, 1)[0], filing_number="NOSUCH")
    zh = setup["api"].post("progress/batch/", {"items": [item]}).json()["results"][0]["error"]["message"]
    en = setup["api"].post("progress/batch/", {"items": [item]}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "NOSUCH" in zh and "NOSUCH" in en["results"][0]["error"]["message"]
    assert zh != en["results"][0]["error"]["message"]


def test_a_failure_while_writing_leaves_nothing_half_written(setup, monkeypatch):
    before = Entry.objects.count()

    def broken(items):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "append_many", broken)
    client = PlatformClient(Client(raise_request_exception=False), setup["api"].auth["HTTP_AUTHORIZATION"][7:])
    response = client.post("progress/batch/", {"items": items_for(setup, 5)})
    assert response.status_code == 500
    assert not ProgressReport.objects.exists() and Entry.objects.count() == before


def test_single_progress_endpoint_is_idempotent(setup):
    number = setup["campaigns"][0].filing_number
    body = {"external_id": "one", "period_end": setup["today"].isoformat(), "raised_fen": 500, "spent_fen": 100,
            "summary": "首批善款已到账"}
    first = setup["api"].post(f"campaigns/{number}/progress/", body)
    assert first.status_code == 201 and first.json()["status"] == "accepted"
    again = setup["api"].post(f"campaigns/{number}/progress/", body)
    assert again.status_code == 200 and again.json() == first.json()
    conflict = setup["api"].post(f"campaigns/{number}/progress/", dict(body, raised_fen=501))
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    bad = setup["api"].post(f"campaigns/{number}/progress/", dict(body, external_id="two", period_end="2026-02-30"))
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "period_end"
    assert ProgressReport.objects.count() == 1


def test_throttled_per_platform(setup, settings, client):
    settings.PLATFORM_API_RATE = "3/min"
    cache.clear()
    other = PlatformClient(client, issue_key(make_platform("otherthrottle"))[1])
    codes = [setup["api"].get("me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    throttled = setup["api"].get("me")
    assert throttled.json()["error"]["code"] == "throttled" and int(throttled["Retry-After"]) > 0
    assert other.get("me").status_code == 200  # another platform has its own budget
    cache.clear()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_the_same_batch_write_it_once():
    platform = make_platform("raceplat")
    campaign = make_campaign(make_charity(), [platform], starts_in_days=0)
    _key, plain = issue_key(platform)
    items = [progress_item(f"c-{i}", campaign.filing_number, timezone.localdate(), raised_fen=i) for i in range(200)]
    results, barrier = [], threading.Barrier(4)

    def send():
        try:
            api = PlatformClient(Client(), plain)
            barrier.wait()
            results.append(api.post("progress/batch/", {"items": items}).json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r["accepted"] == 200 for r in results)
    assert all(r["results"] == results[0]["results"] for r in results)
    assert ProgressReport.objects.filter(platform=platform).count() == 200
    assert Entry.objects.filter(subject=campaign.subject, kind="campaign.progress_reported").count() == 200
