"""Where each service comes from: Robot variables (command line wins), then the environment, then embedded."""

from __future__ import annotations

import contextlib
import ipaddress
import os
from urllib.parse import urlsplit

from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError
from robot.utils import timestr_to_secs

from .runtime import mask_url

ALLOW_NON_TEST_TARGETS = "ALLOW_NON_TEST_TARGETS"
NAMESPACE_MAX_AGE = "NAMESPACE_MAX_AGE"
DEFAULT_NAMESPACE_MAX_AGE = "24 hours"
LLM_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")


class ConfigurationError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


def setting(name: str) -> str | None:
    """`${NAME}` given to Robot Framework, else the environment variable NAME; "" counts as unset."""
    value = None
    with contextlib.suppress(RobotNotRunningError):
        value = BuiltIn().get_variable_value(f"${{{name}}}")
    if isinstance(value, Secret):
        value = value.value
    if value in (None, ""):
        value = os.environ.get(name)
    return str(value) if value not in (None, "") else None


def embedded_services_needed() -> list[str]:
    servers = (("postgres", "DATABASE_URL"), ("redis", "REDIS_URL"))
    needed = [name for name, variable in servers if not setting(variable)]
    if not all(setting(key) for key in LLM_KEYS):
        needed.append("llm")
    return needed


def namespace_max_age() -> float:
    text = setting(NAMESPACE_MAX_AGE) or DEFAULT_NAMESPACE_MAX_AGE
    try:
        return timestr_to_secs(text)
    except ValueError:
        raise ConfigurationError(
            f"{NAMESPACE_MAX_AGE}='{text}' is not a time: use e.g. '6 hours' or '30 min'."
        ) from None


def guard_test_targets(database_url: str | None, redis_url: str | None) -> None:
    """Refuse configured servers that do not look like test servers, unless ALLOW_NON_TEST_TARGETS=1."""
    if setting(ALLOW_NON_TEST_TARGETS) in ("1", "true", "True", "yes"):
        return
    if database_url:
        database = _database_name(database_url)
        if "test" not in database.lower():
            raise ConfigurationError(
                f"DATABASE_URL ({mask_url(database_url)}) names database '{database}', which has no 'test' in its "
                f"name. Point it at a test database, or set {ALLOW_NON_TEST_TARGETS}=1 if it really is disposable."
            )
    if redis_url:
        host = urlsplit(redis_url).hostname or ""
        if not (_is_loopback(host) or "test" in host.lower()):
            raise ConfigurationError(
                f"REDIS_URL ({mask_url(redis_url)}) points at host '{host}', which is neither loopback nor named "
                f"*test*. Point it at a test server, or set {ALLOW_NON_TEST_TARGETS}=1 if it really is disposable."
            )


def host_and_port(url: str, default_port: int) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or default_port}"


def _database_name(url: str) -> str:
    parts = urlsplit(url)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    return query.get("dbname") or parts.path.lstrip("/") or parts.username or ""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
