"""`Get Service Health` against the run's real servers, and the four getters it replaced: each still answers,
warns naming its replacement, and hands its arguments over unchanged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from assertionengine import AssertionOperator as Op
from robot.api.exceptions import SkipExecution

from libraries.common import arguments as arguments_module
from libraries.health import HealthLibrary
from libraries.health import base as base_module
from libraries.health import deprecated as deprecated_module
from libraries.health.errors import HealthLibraryError
from libraries.services.runtime import Endpoints

PATIENCE = timedelta(seconds=10)


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_arguments) -> None:
        pass


class _System:
    """An adapter that reports what the test says."""

    def __init__(self, status: str) -> None:
        self.status = status

    def health(self) -> dict[str, str]:
        return {"status": self.status}


@pytest.fixture
def health(services: Endpoints) -> HealthLibrary:
    return HealthLibrary()


@pytest.fixture
def auth_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/login"
    monkeypatch.setenv("AUTH_SERVICE_URL", url)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(deprecated_module.logger, "warn", seen.append)
    return seen


@pytest.mark.parametrize("service", ["postgres", "PostgreSQL", "redis", "llm", "LLM Anthropic"])
def test_each_run_service_is_ok(health: HealthLibrary, service: str) -> None:
    assert health.get_service_health(service, Op["=="], "ok", retry_timeout=PATIENCE) == "ok"


def test_the_auth_service_is_ok_when_it_answers_below_500(health: HealthLibrary, auth_service: str) -> None:
    assert health.get_service_health("auth service", Op["=="], "ok", retry_timeout=PATIENCE) == "ok"


def test_the_auth_service_is_skipped_when_unset(health: HealthLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SERVICE_URL", raising=False)
    with pytest.raises(SkipExecution, match="AUTH_SERVICE_URL is not set"):
        health.get_service_health("Auth Service")


@pytest.mark.parametrize("reported", ["ok", "degraded", "down"])
def test_the_agent_system_status_is_its_own_report(
    health: HealthLibrary, monkeypatch: pytest.MonkeyPatch, reported: str
) -> None:
    monkeypatch.setattr(base_module, "agent_system", lambda: _System(reported))
    assert health.get_service_health("agent system") == reported


def test_a_stopped_service_is_down(health: HealthLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module.runtime, "redis_url", lambda: "redis://127.0.0.1:1/0")
    with pytest.raises(AssertionError, match=r"Health of Redis 'down' \(str\) should be 'ok' \(str\)"):
        health.get_service_health("Redis", Op["=="], "ok")


def test_an_unknown_service_names_the_known_ones(health: HealthLibrary) -> None:
    with pytest.raises(HealthLibraryError, match=r"Unknown service 'mongodb': use PostgreSQL \(or postgres\), Redis"):
        health.get_service_health("mongodb")


@pytest.mark.parametrize(
    ("name", "call", "service"),
    [
        ("Get PostgreSQL Health", lambda lib: lib.get_postgresql_health(Op["=="], "ok"), "PostgreSQL"),
        ("Get Redis Health", lambda lib: lib.get_redis_health(Op["=="], "ok"), "Redis"),
        ("Get LLM Health", lambda lib: lib.get_llm_health(Op["=="], "ok"), "LLM"),
        ("Get LLM Health", lambda lib: lib.get_llm_health(Op["=="], "ok", provider="anthropic"), "LLM Anthropic"),
        ("Get Auth Service Health", lambda lib: lib.get_auth_service_health(Op["=="], "ok"), "Auth Service"),
    ],
)
def test_a_deprecated_getter_warns_and_calls_get_service_health(
    monkeypatch: pytest.MonkeyPatch, warnings: list[str], name: str, call, service: str
) -> None:
    calls = []

    def service_health(self, *arguments, **named) -> str:
        calls.append((arguments, named))
        return "ok"

    monkeypatch.setattr(base_module.HealthComponent, "service_health", service_health)

    assert call(HealthLibrary()) == "ok"
    assert calls == [((service, Op["=="], "ok", None), {"retry_timeout": timedelta(0)})]
    assert warnings == [f"Keyword '{name}' is deprecated: use 'Get Service Health    {service}' instead."]


def test_a_deprecated_getter_still_probes_the_real_service(health: HealthLibrary, warnings: list[str]) -> None:
    assert health.get_redis_health(Op["=="], "ok", retry_timeout=PATIENCE) == "ok"
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "name", ["Get PostgreSQL Health", "Get Redis Health", "Get LLM Health", "Get Auth Service Health"]
)
def test_deprecated_getters_are_marked_for_libdoc_and_robot(name: str) -> None:
    method = HealthLibrary().keywords[name]
    assert method.__doc__.startswith("*DEPRECATED Use Get Service Health instead.*")


def test_a_status_that_never_matches_fails_naming_the_last_check_and_the_time_waited(health: HealthLibrary) -> None:
    with pytest.raises(AssertionError, match=r"should be 'down' \(str\) \(Redis ok in .* ms\) \(waited \d+ms\)"):
        health.get_service_health("Redis", Op["=="], "down", retry_timeout=timedelta(milliseconds=300))


def test_wait_until_healthy_takes_timeout(health: HealthLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module.runtime, "redis_url", lambda: "redis://127.0.0.1:1/0")
    with pytest.raises(AssertionError, match=r"Health of Redis 'down' \(str\) should be 'ok' .*\(waited \d+ms\)"):
        health.wait_until_service_is_healthy("Redis", timeout=timedelta(milliseconds=300))


def test_wait_until_healthy_still_takes_retry_timeout_and_warns(
    health: HealthLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(arguments_module.logger, "warn", seen.append)
    health.wait_until_service_is_healthy("Redis", retry_timeout=PATIENCE)
    assert seen == ["Wait Until Redis Is Healthy: the argument 'retry_timeout' is deprecated, use 'timeout' instead."]
