"""Configured servers: the production guard, reachability in bounded time, and URLs that never show a password."""

from __future__ import annotations

import time

import pytest

from libraries.services.reachability import require_reachable
from libraries.services.runtime import mask_url
from libraries.services.settings import ConfigurationError, guard_test_targets

from .helpers import free_closed_port


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://qa:s3cret@db:5432/agents_test", "postgresql://qa:***@db:5432/agents_test"),
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        (
            "postgresql://qa@db/agents_test?password=s3cret&sslmode=off",
            "postgresql://qa@db/agents_test?password=***&sslmode=off",
        ),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("postgresql://qa:pa/s3cret@db/agents_test", "postgresql://qa:***@db/agents_test"),
        ("host=db password=s3cret dbname=agents_test", "*** (hidden: not a URL)"),
    ],
)
def test_mask_url_hides_passwords(url, masked):
    assert mask_url(url) == masked


def test_guard_refuses_a_database_without_test_in_its_name(monkeypatch):
    monkeypatch.delenv("ALLOW_NON_TEST_TARGETS", raising=False)
    with pytest.raises(ConfigurationError, match="ALLOW_NON_TEST_TARGETS=1") as refused:
        guard_test_targets("postgresql://qa:s3cret@db:5432/agents", None)
    assert "DATABASE_URL" in str(refused.value)
    assert "s3cret" not in str(refused.value)


def test_guard_refuses_a_remote_redis_not_named_test(monkeypatch):
    monkeypatch.delenv("ALLOW_NON_TEST_TARGETS", raising=False)
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        guard_test_targets(None, "redis://cache.prod.example:6379/0")


@pytest.mark.parametrize(
    ("database_url", "redis_url"),
    [
        ("postgresql://qa@db:5432/agents_test", "redis://127.0.0.1:6379/0"),
        ("postgresql://qa@db/x?dbname=test_agents", "redis://redis-test.internal:6379/1"),
        (None, "redis://localhost/0"),
    ],
)
def test_guard_accepts_test_targets(monkeypatch, database_url, redis_url):
    monkeypatch.delenv("ALLOW_NON_TEST_TARGETS", raising=False)
    assert guard_verdict(database_url, redis_url) == "accepted"
    assert guard_verdict("postgresql://qa@db:5432/agents", redis_url).startswith("DATABASE_URL"), "the guard is on"


def test_guard_can_be_lifted(monkeypatch):
    targets = ("postgresql://qa@db:5432/agents", "redis://cache.prod.example:6379/0")
    monkeypatch.delenv("ALLOW_NON_TEST_TARGETS", raising=False)
    assert guard_verdict(*targets).startswith("DATABASE_URL (postgresql://qa@db:5432/agents) names database 'agents'")
    monkeypatch.setenv("ALLOW_NON_TEST_TARGETS", "1")
    assert guard_verdict(*targets) == "accepted"


def guard_verdict(database_url: str | None, redis_url: str | None) -> str:
    """``accepted``, or the guard's refusal."""
    try:
        guard_test_targets(database_url, redis_url)
    except ConfigurationError as refused:
        return str(refused)
    return "accepted"


def test_unreachable_servers_fail_fast_naming_the_setting_and_hiding_the_password():
    port = free_closed_port()
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as refused:
        require_reachable(f"postgresql://qa:s3cret@127.0.0.1:{port}/agents_test", f"redis://:s3cret@127.0.0.1:{port}/0")
    message = str(refused.value)
    assert time.monotonic() - started < 10
    assert f"DATABASE_URL: PostgreSQL at 127.0.0.1:{port} is not reachable" in message
    assert f"REDIS_URL: Redis at 127.0.0.1:{port} is not reachable" in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_reachable_servers_pass(services):
    assert require_reachable(services.database_url, services.redis_url) is None
    with pytest.raises(ConfigurationError) as one_unreachable:
        require_reachable(services.database_url, f"redis://127.0.0.1:{free_closed_port()}/0")
    assert "REDIS_URL" in str(one_unreachable.value)
    assert "DATABASE_URL" not in str(one_unreachable.value), "the reachable PostgreSQL was judged reachable"
