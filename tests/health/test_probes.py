"""Health probes against real servers: the run's PostgreSQL and Redis, a local HTTP service, a silent socket."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from libraries.health import probes
from libraries.services.runtime import Endpoints


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = {"/health": 200, "/login": 401}.get(self.path, 503)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_arguments) -> None:
        pass


@pytest.fixture
def http_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections and never answers: a blackhole."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def _grade(name: str, answer, degraded_s: float = 0.25) -> probes.Check:
    return probes.classify(name, answer, timeout_s=1.0, degraded_s=degraded_s)


def test_the_run_servers_are_ok(services: Endpoints) -> None:
    assert _grade("PostgreSQL", probes.postgres(services.database_url, 1.0)).status == "ok"
    assert _grade("Redis", probes.redis_ping(services.redis_url, 1.0)).status == "ok"


def test_any_answer_below_500_is_up_and_5xx_is_down(http_service: str) -> None:
    assert _grade("auth", probes.http(f"{http_service}/health", 1.0)).status == "ok"
    assert _grade("auth", probes.http(f"{http_service}/login", 1.0)).status == "ok"
    broken = _grade("auth", probes.http(f"{http_service}/broken", 1.0))
    assert (broken.status, broken.detail) == ("down", "HTTP 503")


def test_slower_than_the_threshold_is_degraded(services: Endpoints) -> None:
    check = _grade("Redis", probes.redis_ping(services.redis_url, 1.0), degraded_s=0.0)
    assert check.status == "degraded"
    assert "slower than 0 ms" in check.detail


def test_a_silent_server_is_down_within_the_timeout(silent_port: int) -> None:
    check = probes.classify(
        "Redis", probes.redis_ping(f"redis://127.0.0.1:{silent_port}/0", 0.5), timeout_s=0.5, degraded_s=0.25
    )
    assert check.status == "down"
    assert check.latency_s < 2.0  # SLA: the probe gives up after its timeout (0.5 s), plus scheduling slack


def test_a_refused_connection_is_down() -> None:
    check = _grade("PostgreSQL", probes.postgres("postgresql://qa@127.0.0.1:1/agents_test", 1.0))
    assert check.status == "down"
    assert "OperationalError" in check.detail


def test_the_system_reports_its_own_status() -> None:
    assert _grade("Agent System", probes.system(lambda: {"status": "degraded"})).status == "degraded"
    assert _grade("Agent System", probes.system(lambda: {"status": "down"})).status == "down"
