"""Health checks of configured servers: one clear line, within a bound, naming the setting and the fix."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlsplit

from .namespaces import connect_postgres, connect_redis
from .runtime import mask_url
from .settings import ConfigurationError, LLMEndpoint, host_and_port

LLM_CONNECT_TIMEOUT = 5.0


def require_reachable(
    database_url: str | None, redis_url: str | None, llm_endpoints: list[LLMEndpoint] | None = None
) -> None:
    """`SELECT 1` and `PING` the configured servers and connect to configured LLM endpoints, in parallel.

    Raises one error naming every one that failed, within about 10 seconds.
    """
    checks = [
        (url, setting, check)
        for url, setting, check in (
            (database_url, "DATABASE_URL", _check_postgres),
            (redis_url, "REDIS_URL", _check_redis),
        )
        if url
    ]
    endpoints = llm_endpoints or []
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [(url, setting, pool.submit(check, url)) for url, setting, check in checks]
        llm_outcomes = [(endpoint, pool.submit(_check_llm, endpoint.url)) for endpoint in endpoints]
    problems = [_problem(setting, url, future.exception()) for url, setting, future in outcomes if future.exception()]
    problems += [_llm_problem(endpoint, future.exception()) for endpoint, future in llm_outcomes if future.exception()]
    if problems:
        raise ConfigurationError(" ".join(problems))


def _check_llm(url: str) -> None:
    """A TCP connection to the endpoint: enough to tell a dead or mistyped endpoint before the SDK's retries."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((parts.hostname, port), timeout=LLM_CONNECT_TIMEOUT):
        pass


def _llm_problem(endpoint: LLMEndpoint, error: BaseException) -> str:
    cause = (getattr(error, "strerror", None) or str(error) or type(error).__name__).strip().splitlines()[0]
    if isinstance(error, TimeoutError | socket.timeout):
        cause = f"no answer within {LLM_CONNECT_TIMEOUT:.0f} s"
    where = host_and_port(endpoint.url, 443 if endpoint.url.startswith("https") else 80)
    if endpoint.url_setting:
        return (
            f"{endpoint.url_setting}: the {endpoint.provider} endpoint at {where} is not reachable ({cause}). "
            f"Start that server or fix {endpoint.url_setting}; unset {endpoint.key_setting} to use the emulator."
        )
    return (
        f"{endpoint.key_setting} is set, but the {endpoint.provider} API at {where} is not reachable ({cause}). "
        f"Check the network or set {endpoint.key_setting.replace('API_KEY', 'BASE_URL')}; unset "
        f"{endpoint.key_setting} to use the emulator."
    )


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
