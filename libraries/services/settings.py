"""Where each service comes from: Robot variables (command line wins), then the environment, then embedded."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from robot.utils import timestr_to_secs

from libraries.common import setting

from .providers import LLM_PROVIDERS
from .runtime import mask_url

ALLOW_NON_TEST_TARGETS = "ALLOW_NON_TEST_TARGETS"
NAMESPACE_MAX_AGE = "NAMESPACE_MAX_AGE"
DEFAULT_NAMESPACE_MAX_AGE = "24 hours"
LLM_KEYS = tuple(provider.key_setting for provider in LLM_PROVIDERS.values())
LLM_ENDPOINTS = tuple(
    # key, base URL setting, provider, the provider's own API
    (provider.key_setting, provider.base_url_setting, provider.title, provider.api_url)
    for provider in LLM_PROVIDERS.values()
)


@dataclass(frozen=True)
class LLMEndpoint:
    key_setting: str
    url_setting: str | None
    """The base-URL setting when one is configured; None for the provider's own API."""
    provider: str
    url: str


class ConfigurationError(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


def embedded_services_needed() -> list[str]:
    servers = (("postgres", "DATABASE_URL"), ("redis", "REDIS_URL"))
    needed = [name for name, variable in servers if not setting(variable)]
    if not all(setting(key) for key in LLM_KEYS):
        needed.append("llm")
    return needed


def configured_llm_endpoints() -> list[LLMEndpoint]:
    """The endpoints real LLM calls will go to: one per provider whose key is set (none when replaying cassettes)."""
    if (setting("LLM_MODE") or "").strip().lower() == "replay":
        return []
    endpoints = []
    for key, url_setting, provider, default_url in LLM_ENDPOINTS:
        if setting(key):
            base_url = setting(url_setting)
            if base_url and not re.match(r"https?://[^/?#]", base_url):
                raise ConfigurationError(
                    f"{url_setting} is not an http:// or https:// URL (its value is not shown): write it as e.g. "
                    f"{default_url}, or unset {url_setting} to use the {provider} API."
                )
            endpoints.append(LLMEndpoint(key, url_setting if base_url else None, provider, base_url or default_url))
    return endpoints


def namespace_max_age() -> float:
    text = setting(NAMESPACE_MAX_AGE) or DEFAULT_NAMESPACE_MAX_AGE
    try:
        return timestr_to_secs(text)
    except ValueError:
        raise ConfigurationError(
            f"{NAMESPACE_MAX_AGE}='{text}' is not a time: use e.g. '6 hours' or '30 min'."
        ) from None


_URL_SHAPES = {
    "DATABASE_URL": ("PostgreSQL", ("postgresql", "postgres"), "postgresql://user:password@host:5432/agents_test"),
    "REDIS_URL": ("Redis", ("redis", "rediss", "unix"), "redis://:password@host:6379/0"),
}


def check_url_shapes(database_url: str | None, redis_url: str | None) -> None:
    """Refuse a configured value that is not a URL of the expected kind, in one line that never shows the value.

    A value that is not a URL may be a libpq string or a typo holding the password, so it is never echoed.
    """
    for name, url in (("DATABASE_URL", database_url), ("REDIS_URL", redis_url)):
        if url:
            _check_url_shape(name, url)


def _check_url_shape(name: str, url: str) -> None:
    server, schemes, example = _URL_SHAPES[name]
    fix = f"write it as {example}, or unset {name} to use the embedded {server}."
    scheme, separator, rest = url.partition("://")
    if not separator or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise ConfigurationError(f"{name} is not a URL (its value is not shown: it may hold a password): {fix}")
    if scheme.lower() not in schemes:
        expected = " or ".join(f"{known}://" for known in schemes)
        raise ConfigurationError(f"{name} is a '{scheme}://' URL, not a {server} URL ({expected}): {fix}")
    before_query = re.split(r"[?#]", rest, maxsplit=1)[0]
    if "@" in before_query.split("/", 1)[-1] and "@" not in urlsplit(url).netloc:
        raise ConfigurationError(
            f"{name} ({mask_url(url)}) has a user or password with an unencoded '/', '?' or '#': "
            f"percent-encode it (e.g. '/' as %2F), or {fix}"
        )
    try:
        urlsplit(url).port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ConfigurationError(f"{name} ({mask_url(url)}) has a port that is not a number: {fix}") from None


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
