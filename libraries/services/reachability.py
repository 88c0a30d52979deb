"""Health checks of configured servers: one clear line, within a bound, naming the setting and the fix."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlsplit

from .namespaces import connect_postgres, connect_redis
from .runtime import mask_url
from .settings import ConfigurationError, host_and_port


def require_reachable(database_url: str | None, redis_url: str | None) -> None:
    """`SELECT 1` and `PING` the configured servers in parallel; raise one error naming every one that failed."""
    checks = [
        (url, setting, check)
        for url, setting, check in (
            (database_url, "DATABASE_URL", _check_postgres),
            (redis_url, "REDIS_URL", _check_redis),
        )
        if url
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [(url, setting, pool.submit(check, url)) for url, setting, check in checks]
    problems = [_problem(setting, url, future.exception()) for url, setting, future in outcomes if future.exception()]
    if problems:
        raise ConfigurationError(" ".join(problems))


def _check_postgres(url: str) -> None:
    with connect_postgres(url) as connection:
        connection.execute("SELECT 1")


def _check_redis(url: str) -> None:
    client = connect_redis(url)
    try:
        client.ping()
    finally:
        client.close()


def _problem(setting: str, url: str, error: BaseException) -> str:
    server, default_port = ("PostgreSQL", 5432) if setting == "DATABASE_URL" else ("Redis", 6379)
    cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    cause = cause.rsplit("failed: ", 1)[-1].replace(url, mask_url(url))
    password = urlsplit(url).password
    for secret in {password, unquote(password or "")} - {None, ""}:
        cause = cause.replace(secret, "***")
    return (
        f"{setting}: {server} at {host_and_port(url, default_port)} is not reachable ({cause}). "
        f"Start that server or fix {setting}; unset it to use the embedded {server}."
    )
