"""The daily task through a real Celery worker and broker (Redis with REDIS_URL, else the filesystem transport).

The worker's clock cannot be frozen from here, so the day is passed as the
task's argument, as a caller may; the day boundary itself is tested in-process
(test_transitions.py).
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from charity_portal.celery import app
from ledger.keys import verifiers
from ledger.models import Entry
from sanctions import export
from sanctions.models import Decision
from sanctions.verify_export import verify
from tests.factories import impose

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    env = dict(os.environ, DATABASE_URL=database_url(), MEDIA_ROOT=str(settings.MEDIA_ROOT),
               LEDGER_SIGNING_KEY_PATH=str(settings.LEDGER_SIGNING_KEY_PATH), LEDGER_GENERATE_DEV_KEY="true",
               SANCTIONS_ID_HMAC_KEY=settings.SANCTIONS_ID_HMAC_KEY, DJANGO_SETTINGS_MODULE="charity_portal.settings")
    env.pop("LEDGER_SIGNING_KEY", None)
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "charity_portal", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield proc, tmp_path / "worker.log"
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


def wait_for(predicate, log_path, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail("the worker did not finish in time; its log:\n" + log_path.read_text()[-3000:])


def test_worker_applies_transitions_and_publishes_the_export(worker):
    _, log_path = worker
    old = impose(effective_on=date(2024, 5, 10))
    expiring = impose(list_kind="red", ground="honour", effective_on=date(2023, 1, 1), expires_on=date(2026, 5, 10))
    kept = impose(list_kind="serious", ground="dishonest_debtor", effective_on=date(2026, 1, 1))

    # One after the other: the filesystem transport does not keep the order of queued messages.
    app.send_task("sanctions.tasks.daily", kwargs={"today": "2026-05-09"})
    wait_for(export.export_path(date(2026, 5, 9), "json").exists, log_path)
    assert Decision.objects.get(pk=old.pk).status == "in_force"
    app.send_task("sanctions.tasks.daily", kwargs={"today": "2026-05-10"})
    day_path = export.export_path(date(2026, 5, 10), "json")
    wait_for(day_path.exists, log_path)

    assert Decision.objects.get(pk=old.pk).status == "escalated"
    assert Decision.objects.get(pk=expiring.pk).status == "expired"
    new = Decision.objects.get(escalated_from=old)
    assert new.list_kind == "serious" and new.effective_on == date(2026, 5, 10)

    # The day before, nothing had changed yet: that export still lists the abnormal and the red entries.
    before = json.loads(export.export_path(date(2026, 5, 9), "json").read_text())
    assert {r["decision_id"] for r in before["rows"]} == {old.public_id, expiring.public_id, kept.public_id}
    doc = json.loads(day_path.read_text())
    assert {r["decision_id"] for r in doc["rows"]} == {new.public_id, kept.public_id}
    leaves = Entry.objects.filter(seq__lt=doc["checkpoint"]["size"]).order_by("seq").values_list("leaf", flat=True)
    verify(doc, leaves, verifiers()[0].text)
    assert export.export_path(date(2026, 5, 10), "csv").read_text().startswith("# cishan-sanctions-export/1\n")
    assert settings.CELERY_BEAT_SCHEDULE["sanctions-daily"]["task"] == "sanctions.tasks.daily"
