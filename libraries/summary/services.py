"""What the run talked to: PostgreSQL and Redis server versions, the LLM endpoint and the SDK versions.

Only names and versions are reported: never a URL, a host or a key.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

METADATA_NAMES = {
    "PostgreSQL": "PostgreSQL server",
    "Redis": "Redis server",
    "LLM endpoint": "LLM endpoint",
    "openai SDK": "openai SDK",
    "anthropic SDK": "anthropic SDK",
}
"""Summary name -> suite metadata name of each thing described."""
CONNECT_TIMEOUT_S = 5


def describe_servers() -> dict[str, str]:
    """Asks the servers this process uses for their versions; a server that does not answer is reported as such.

    A server the process does not use is left out: the summary of a merged run shows what any process used.
    """
    from libraries.services import runtime

    described: dict[str, str] = {}
    try:
        endpoints = runtime.endpoints()
    except runtime.ServicesNotReady:
        return described
    for name, label, url, query in (
        ("postgres", "PostgreSQL", endpoints.database_url, _postgres_version),
        ("redis", "Redis", endpoints.redis_url, _redis_version),
    ):
        if url:
            origin = "embedded" if name in endpoints.embedded else "configured"
            described[label] = f"{_asked(query, url)} ({origin})"
    return described


def describe_llm() -> dict[str, str]:
    """The LLM endpoint and SDK versions, when this process loaded the LLM library (else nothing, and no import)."""
    if "libraries.llm_library" not in sys.modules:
        return {}
    described = {"LLM endpoint": llm_endpoint()}
    for sdk in ("openai", "anthropic"):
        described[f"{sdk} SDK"] = _package_version(sdk)
    return described


def llm_endpoint() -> str:
    """``emulator (llmock 0.2.2)``, ``real``, ``replay (cassettes)``, per provider when they differ."""
    from libraries.llm_library.settings import BASE_URL_VARIABLES, KEY_VARIABLES, PROVIDERS, setting

    if str(setting("LLM_MODE") or "").lower() == "replay":
        return "replay (cassettes)"
    modes = {}
    for provider in PROVIDERS:
        if setting(KEY_VARIABLES[provider]):
            custom = setting(BASE_URL_VARIABLES[provider])
            modes[provider] = f"real via {BASE_URL_VARIABLES[provider]}" if custom else "real"
        else:
            modes[provider] = f"emulator (llmock {_package_version('llmock')})"
    if len(set(modes.values())) == 1:
        return next(iter(modes.values()))
    return ", ".join(f"{provider} {mode}" for provider, mode in modes.items())


def as_metadata(described: dict[str, str]) -> dict[str, str]:
    """One metadata entry per service: pabot's merge updates the root metadata process by process, so the services
    of every process survive it (one ``Services`` entry would keep the last process's only)."""
    return {METADATA_NAMES.get(name, name): value for name, value in described.items()}


def from_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    return {name: metadata[key] for name, key in METADATA_NAMES.items() if key in metadata}


def _asked(query, url: str) -> str:
    try:
        return query(url)
    except Exception as error:  # the summary reports, it does not fail the run
        return f"unknown ({type(error).__name__})"


def _postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as connection:
        return connection.info.parameter_status("server_version") or str(connection.info.server_version)


def _redis_version(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S)
    try:
        return str(client.info("server")["redis_version"])
    finally:
        client.close()


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
