"""Standard queues only: a failed record is reported alone (FIFO stops its group instead, see test_processor.py)."""

from __future__ import annotations

from test_processor import good, invoke, record


def test_partial_batch_failure_reports_only_the_bad_record(env):
    result = invoke(
        [
            record("m1", "d1", good(1)),
            record("m2", "d2", "not json"),
            record("m3", "d3", good(3)),
        ]
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert sorted(item["delivery_id"] for item in env.stored()) == ["d1", "d3"]
