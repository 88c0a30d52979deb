"""Settings from environment variables (``ORCH_…``); the command line overrides some of them."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote, urlsplit

from .defects import CATALOGUE
from .keys import DEFAULT_PREFIX

PROVIDERS = ("openai", "anthropic")
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
DEFECTS_VARIABLE = "ORCHESTRATOR_DEFECTS"
POOL_SIZES = {"api": 4, "agent": 2}
"""The most PostgreSQL connections each process's pool opens: the API's and each agent's."""


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


@dataclass(frozen=True)
class ProviderSettings:
    base_url: str | None
    api_key: str | None = field(repr=False)
    model: str


@dataclass(frozen=True)
class Settings:
    database_url: str = field(repr=False)
    schema: str
    redis_url: str = field(repr=False)
    key_prefix: str
    provider: str
    providers: dict[str, ProviderSettings]
    workers: int = 2
    visibility_timeout: float = 30.0
    max_deliveries: int = 3
    default_deadline: float = 300.0
    llm_timeout: float = 60.0
    llm_max_retries: int = 2
    heartbeat_interval: float = 1.0
    degraded_latency: float = 0.25
    statement_timeout: float = 10.0
    run_cache_ttl: float = 86400.0
    failpoint: str | None = None
    defects: tuple[str, ...] = ()
    """Seeded defects switched on (``defects.CATALOGUE``); only ever on a test database."""

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{name: value for name, value in changes.items() if value is not None})


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read and check every setting; a missing or malformed one raises `SettingsError` naming it."""
    env = dict(os.environ if environ is None else environ)
    providers = {
        name: ProviderSettings(
            base_url=_get(env, f"ORCH_{name.upper()}_BASE_URL"),
            api_key=_get(env, f"ORCH_{name.upper()}_API_KEY") or _get(env, f"{name.upper()}_API_KEY"),
            model=_get(env, f"ORCH_{name.upper()}_MODEL") or DEFAULT_MODELS[name],
        )
        for name in PROVIDERS
    }
    provider = _get(env, "ORCH_PROVIDER") or "openai"
    if provider not in PROVIDERS:
        raise SettingsError(f"ORCH_PROVIDER must be one of {', '.join(PROVIDERS)}, got '{provider}'.")
    schema = _get(env, "ORCH_SCHEMA") or "orchestrator"
    if not _IDENTIFIER.match(schema):
        raise SettingsError(f"ORCH_SCHEMA must be a lower-case SQL identifier (a-z, 0-9, _), got '{schema}'.")
    database_url = _required(env, "ORCH_DATABASE_URL", "postgresql://user:password@host:5432/db")
    return Settings(
        database_url=database_url,
        schema=schema,
        redis_url=_required(env, "ORCH_REDIS_URL", "redis://host:6379/0"),
        key_prefix=_get(env, "ORCH_KEY_PREFIX") or DEFAULT_PREFIX,
        provider=provider,
        providers=providers,
        workers=_integer(env, "ORCH_WORKERS", 2, minimum=0),
        visibility_timeout=_duration(env, "ORCH_VISIBILITY_TIMEOUT", 30.0),
        max_deliveries=_integer(env, "ORCH_MAX_DELIVERIES", 3, minimum=1),
        default_deadline=_duration(env, "ORCH_DEFAULT_DEADLINE", 300.0),
        llm_timeout=_duration(env, "ORCH_LLM_TIMEOUT", 60.0),
        llm_max_retries=_integer(env, "ORCH_LLM_MAX_RETRIES", 2, minimum=0),
        heartbeat_interval=_duration(env, "ORCH_HEARTBEAT_INTERVAL", 1.0),
        degraded_latency=_duration(env, "ORCH_DEGRADED_LATENCY", 0.25),
        statement_timeout=_duration(env, "ORCH_STATEMENT_TIMEOUT", 10.0),
        run_cache_ttl=_duration(env, "ORCH_RUN_CACHE_TTL", 86400.0),
        failpoint=_failpoint(env),
        defects=_defects(env, database_url),
    )


FAILPOINTS = ("before_llm", "after_llm", "after_commit")


def _failpoint(env: dict[str, str]) -> str | None:
    name = _get(env, "ORCH_FAILPOINT")
    if name is not None and name not in FAILPOINTS:
        raise SettingsError(f"ORCH_FAILPOINT must be one of {', '.join(FAILPOINTS)}, got '{name}'.")
    return name


def _defects(env: dict[str, str], database_url: str) -> tuple[str, ...]:
    """The defects named in ``ORCHESTRATOR_DEFECTS``: known names only, and only against a test target."""
    names = tuple(name.strip() for name in (_get(env, DEFECTS_VARIABLE) or "").split(",") if name.strip())
    unknown = [name for name in names if name not in CATALOGUE]
    if unknown:
        raise SettingsError(f"{DEFECTS_VARIABLE}: unknown defect '{unknown[0]}'; known: {', '.join(CATALOGUE)}.")
    if names and not looks_like_test_target(database_url):
        raise SettingsError(
            f"{DEFECTS_VARIABLE} is refused: database '{database_name(database_url)}' on "
            f"'{urlsplit(database_url).hostname}' does not look like a test target (a name with 'test', or a "
            "loopback server whose database name has no 'prod'); seeded defects run against test targets only."
        )
    return names


def looks_like_test_target(database_url: str) -> bool:
    """The kit's guard, mirrored (the orchestrator imports nothing of the kit): a database named ``*test*``, or a
    throwaway server on loopback (the kit's embedded one) whose database name does not say ``prod``."""
    name = database_name(database_url).lower()
    if "test" in name:
        return True
    host = urlsplit(database_url).hostname or ""
    return _is_loopback(host) and "prod" not in name


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def database_name(url: str) -> str:
    """The database a PostgreSQL URL names (its path, or a ``dbname`` query parameter); the same rule as the kit's
    guard against non-test targets."""
    parts = urlsplit(url)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    return unquote(query.get("dbname") or parts.path.lstrip("/") or parts.username or "")


def parse_duration(text: str) -> float:
    """``"1.5"`` and ``"1.5s"`` are seconds, ``"200ms"`` milliseconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a duration such as 30, 2.5s or 200ms")
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def _get(env: dict[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _required(env: dict[str, str], name: str, example: str) -> str:
    value = _get(env, name)
    if value is None:
        raise SettingsError(f"{name} is not set: give it as an environment variable, e.g. {name}={example}")
    return value


def _integer(env: dict[str, str], name: str, default: int, *, minimum: int) -> int:
    text = _get(env, name)
    if text is None:
        return default
    if not text.isdigit() or int(text) < minimum:
        raise SettingsError(f"{name} must be a whole number of at least {minimum}, got '{text}'.")
    return int(text)


def _duration(env: dict[str, str], name: str, default: float) -> float:
    text = _get(env, name)
    if text is None:
        return default
    try:
        seconds = parse_duration(text)
    except ValueError as error:
        raise SettingsError(f"{name}: {error}.") from None
    if seconds <= 0:
        raise SettingsError(f"{name} must be longer than 0, got '{text}'.")
    return seconds
