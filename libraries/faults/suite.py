"""One suite's fault proxies (and private servers), shared by the fault keywords and `Start Agent System`.

Proxies are named ``<suite namespace>-<service>``, so parallel suites (pabot) on one proxy server never touch each
other's. Services: ``postgres``, ``redis`` and ``llm`` (the OpenAI and Anthropic base URLs; when they point at two
different hosts there is one proxy each, ``openai`` and ``anthropic``, and ``llm`` means both).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from libraries.services import runtime
from libraries.services.settings import setting

from .client import SETTING, FaultProxyError, ProxyInfo, ToxiproxyClient
from .private import PrivateRedis

SERVICES = ("postgres", "redis", "llm")
DEFAULT_PORTS = {"postgresql": 5432, "postgres": 5432, "redis": 6379, "http": 80}


@dataclass
class SuiteFaults:
    client: ToxiproxyClient
    prefix: str
    proxies: dict[str, ProxyInfo] = field(default_factory=dict)
    private_redis: PrivateRedis | None = None

    def proxy_name(self, service: str) -> str:
        return f"{self.prefix}-{service}"

    def proxied_url(self, service: str, url: str) -> str:
        """``url`` with its host and port replaced by a proxy in front of them (created on first use)."""
        parts = urlsplit(url)
        if parts.scheme == "https":
            raise FaultProxyError(
                f"The {service} endpoint is HTTPS: a TCP fault proxy in front of it would break its TLS "
                f"certificate check. Fault tests of the LLM need the emulator (unset the provider keys)."
            )
        upstream = f"{parts.hostname}:{parts.port or DEFAULT_PORTS.get(parts.scheme, 80)}"
        known = self.proxies.get(service)
        if known is None or known.upstream != upstream:
            known = self.proxies[service] = self.client.create(self.proxy_name(service), upstream)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@{known.listen}" if credentials else known.listen
        return urlunsplit(parts._replace(netloc=netloc))

    def targets(self, service: str) -> list[ProxyInfo]:
        """The proxies of ``service`` (``llm``: one or two); fails naming what the suite has."""
        wanted = ("llm", "openai", "anthropic") if service == "llm" else (service,)
        found = [proxy for name, proxy in self.proxies.items() if name in wanted]
        if not found:
            have = ", ".join(self.proxies) or "none"
            raise FaultProxyError(
                f"This suite has no fault proxy for {service} (it has: {have}). Start the system with "
                f"Start Agent System    through_fault_proxy=${{True}}, or call Create Fault Proxy first."
            )
        return found

    def remove_all_faults(self) -> list[str]:
        """Every toxic of the suite's proxies removed, and every proxy enabled again."""
        removed = []
        for proxy in self.proxies.values():
            removed += [f"{proxy.name}/{toxic}" for toxic in self.client.remove_toxics(proxy.name)]
            self.client.set_enabled(proxy.name, True)
        return removed

    def start_private_redis(self) -> str:
        if self.private_redis is None:
            directory = Path(runtime.endpoints().run_dir or "/tmp") / "private" / self.prefix
            self.private_redis = PrivateRedis(directory)
        return self.private_redis.url

    def close(self) -> None:
        """Deletes the suite's proxies and stops its private servers; safe to call twice."""
        for proxy in list(self.proxies.values()):
            with contextlib.suppress(FaultProxyError):
                self.client.delete(proxy.name)
        self.proxies.clear()
        if self.private_redis is not None:
            self.private_redis.stop()
            self.private_redis = None


_suites: dict[str, SuiteFaults] = {}


def for_current_suite() -> SuiteFaults:
    """The current suite's faults, created on first use against ``TOXIPROXY_URL`` or the run's fault proxy."""
    key = _suite_key()
    if key not in _suites:
        configured = setting(SETTING)
        url = configured or runtime.endpoints().fault_proxy_url
        if not url:
            raise FaultProxyError(
                "This run has no fault proxy: a run starts it only when a selected suite imports "
                "keywords/faults.resource. Import it in the suite file, or set TOXIPROXY_URL."
            )
        _suites[key] = SuiteFaults(ToxiproxyClient(url, configured=bool(configured)), key)
    return _suites[key]


def current_or_none() -> SuiteFaults | None:
    return _suites.get(_suite_key())


def release_current_suite() -> None:
    """Deletes the current suite's proxies and private servers (its teardown); nothing when it has none."""
    if not _suites:
        return
    faults = _suites.pop(_suite_key(), None)
    if faults is not None:
        faults.close()


def _suite_key() -> str:
    namespace = runtime.current_namespace()
    if namespace is not None:
        return namespace.schema
    return f"rfq_{runtime.endpoints().run_id}_{os.getpid()}"


def system_urls(
    database_url: str,
    redis_url: str,
    openai_base_url: str | None,
    anthropic_base_url: str | None,
    *,
    through_fault_proxy: bool,
    private_redis: bool,
) -> dict[str, str | None]:
    """The URLs a system under test gets: its private Redis, and fault proxies in front of each service.

    LLM base URLs over HTTPS (the real providers) are left as they are: a TCP proxy would break their TLS check.
    """
    faults = for_current_suite() if through_fault_proxy or private_redis else None
    if faults is not None and private_redis:
        redis_url = faults.start_private_redis()
    urls: dict[str, str | None] = {
        "database_url": database_url,
        "redis_url": redis_url,
        "openai_base_url": openai_base_url,
        "anthropic_base_url": anthropic_base_url,
    }
    if faults is None or not through_fault_proxy:
        return urls
    urls["check_database_url"], urls["check_redis_url"] = database_url, redis_url
    urls["database_url"] = faults.proxied_url("postgres", database_url)
    urls["redis_url"] = faults.proxied_url("redis", redis_url)
    llm = {name: url for name, url in (("openai", openai_base_url), ("anthropic", anthropic_base_url)) if url}
    llm = {name: url for name, url in llm.items() if urlsplit(url).scheme == "http"}
    shared = len({urlsplit(url).netloc for url in llm.values()}) == 1
    for name, url in llm.items():
        urls[f"{name}_base_url"] = faults.proxied_url("llm" if shared else name, url)
    return urls
