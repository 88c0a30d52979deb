"""/health probes end within their bound, also when a dependency swallows requests and no socket timeout fires."""

from __future__ import annotations

import threading
import time

from orchestrator import health


def test_a_probe_that_hangs_is_unreachable_within_the_bound_and_is_not_started_twice() -> None:
    release = threading.Event()
    calls = []

    def blackholed() -> None:
        calls.append(1)
        release.wait(30)

    try:
        started = time.monotonic()
        first = health._probe("blackholed", blackholed)
        assert time.monotonic() - started < health.PROBE_TIMEOUT_S + 1
        assert first["reachable"] is False and first["error"] == "TimeoutError"
        started = time.monotonic()
        second = health._probe("blackholed", blackholed)
        assert time.monotonic() - started < 0.5
        assert second == {"reachable": False, "latency_ms": 0.0, "error": "TimeoutError"}
        assert len(calls) == 1
    finally:
        release.set()


def test_a_probe_that_answers_reports_its_value_and_one_that_fails_its_error() -> None:
    assert health._probe("answers", lambda: 42)["value"] == 42
    failed = health._probe("fails", lambda: 1 / 0)
    assert failed["reachable"] is False and failed["error"] == "ZeroDivisionError"
