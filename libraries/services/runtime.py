"""The run's resolved services and the current suite's namespace, for other keyword libraries.

`ServicesLibrary` (and the pytest fixtures in `tests/conftest.py`) fill this in; keyword libraries read it::

    from libraries.services import runtime

    url = runtime.endpoints().redis_url          # never log it: use runtime.mask_url(url)
    prefix = runtime.key_prefix()                 # "" when no suite namespace is open
    schema = runtime.schema()                     # None when no suite namespace is open
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ServicesNotReady(RuntimeError):
    ROBOT_SUPPRESS_NAME = True


@dataclass(frozen=True)
class Endpoints:
    """Where the run's services are. URLs may carry passwords: log them only through `mask_url`.

    A URL is "" when the run does not use that service (no selected suite imports its keywords).
    """

    database_url: str
    redis_url: str
    llm_emulator_url: str | None = None
    embedded: frozenset[str] = field(default_factory=frozenset)
    run_id: str = ""
    run_dir: str = ""
    """A directory shared by every process of the run (pabot workers too), removed when the run ends."""
    fault_proxy_url: str | None = None
    """The Toxiproxy API the fault keywords drive: ``TOXIPROXY_URL``, else the run's own fault proxy."""


@dataclass(frozen=True)
class Namespace:
    """One suite's private corner of the shared servers."""

    schema: str
    key_prefix: str


_endpoints: Endpoints | None = None
_namespaces: list[Namespace] = []


def activate(resolved: Endpoints | None) -> None:
    global _endpoints
    _endpoints = resolved


def endpoints() -> Endpoints:
    if _endpoints is None:
        raise ServicesNotReady(
            "The run's services are not set up in this process: import keywords/services.resource in "
            "suites/__init__.robot (Suite Setup    Set Up Run Services) or use the pytest fixture 'services'."
        )
    return _endpoints


def database_url() -> str:
    """The run's PostgreSQL URL; fails clearly when the run did not start one."""
    return _required(endpoints().database_url, "PostgreSQL", "keywords/postgres.resource", "DATABASE_URL")


def redis_url() -> str:
    """The run's Redis URL; fails clearly when the run did not start one."""
    return _required(endpoints().redis_url, "Redis", "keywords/redis.resource", "REDIS_URL")


def _required(url: str, server: str, resource: str, setting: str) -> str:
    if not url:
        raise ServicesNotReady(
            f"This run has no {server}: a run starts only the services its selected suites import, and none "
            f"imports {resource}. Import it in the suite file (or in suites/__init__.robot), or set {setting}."
        )
    return url


def push_namespace(namespace: Namespace) -> None:
    _namespaces.append(namespace)


def pop_namespace() -> Namespace | None:
    return _namespaces.pop() if _namespaces else None


def current_namespace() -> Namespace | None:
    return _namespaces[-1] if _namespaces else None


def key_prefix() -> str:
    namespace = current_namespace()
    return namespace.key_prefix if namespace else ""


def schema() -> str | None:
    namespace = current_namespace()
    return namespace.schema if namespace else None


def mask_url(url: str | None) -> str:
    """``postgresql://qa:s3cret@db:5432/x`` -> ``postgresql://qa:***@db:5432/x``; also masks ``?password=``.

    A value that is not a URL at all (``host=db password=…``, a typo) is hidden whole: it may hold a password.
    """
    if not url:
        return "" if url == "" else str(url)
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "*** (hidden: not a URL)"
    authority_end = min((rest.find(mark) for mark in "?#" if mark in rest), default=len(rest))
    authority, tail = rest[:authority_end], rest[authority_end:]
    if "@" in authority:
        # Everything up to the last "@" is user information, also when an unencoded "/" split it.
        credentials, host = authority.rsplit("@", 1)
        user, has_password, _ = credentials.partition(":")
        authority = f"{user.split('/')[0]}:***@{host}" if has_password else f"{user}@{host}"
    query, hash_mark, fragment = tail.lstrip("?").partition("#") if tail.startswith("?") else ("", "", "")
    if tail.startswith("?"):
        query = "&".join(
            f"{key}=***" if key.lower() in {"password", "pass", "pwd"} else pair
            for pair in query.split("&")
            if pair
            for key in [pair.split("=", 1)[0]]
        )
        tail = f"?{query}{hash_mark}{fragment}"
    return f"{scheme}://{authority}{tail}"
