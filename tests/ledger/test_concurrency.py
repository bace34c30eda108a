"""Concurrent writers on separate connections never fork the chain.

PostgreSQL: sixteen writers, 1,000 appends each. SQLite serialises writers
with BEGIN IMMEDIATE; a smaller run shows the same guarantee there.
"""

import threading

import pytest
from django.db import connections, transaction

import ledger
from ledger.models import Entry
from ledger.verify import verify_ledger


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_gap_free_chain():
    on_pg = connections["default"].vendor == "postgresql"
    WRITERS, PER_WRITER = (16, 1000) if on_pg else (4, 150)
    errors = []
    start = threading.Barrier(WRITERS)

    def writer(w):
        try:
            start.wait()
            for i in range(PER_WRITER):
                with transaction.atomic():
                    if i % 10 == 9:  # mix in small batches
                        ledger.append_many([("test.event", f"test/w{w}", "system", {"i": i, "b": b}) for b in range(3)])
                    else:
                        ledger.append("test.event", f"test/w{w}", "system", {"i": i})
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    expected = WRITERS * (PER_WRITER + PER_WRITER // 10 * 2)
    assert Entry.objects.count() == expected
    assert list(Entry.objects.order_by("-seq").values_list("seq", flat=True)[:1]) == [expected - 1]
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.entries == expected
    for w in range(WRITERS):
        assert Entry.objects.filter(subject=f"test/w{w}").count() == PER_WRITER + PER_WRITER // 10 * 2
