"""What the health keyword components share: the library's settings (seen through a protocol), naming a service,
probing it once, and polling its status until an assertion holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.exceptions import SkipExecution
from robot.libraries.BuiltIn import BuiltIn

from libraries.common import LibraryComponent, poll, setting
from libraries.llm_library.emulator import EmulatorControl
from libraries.llm_library.settings import resolve
from libraries.services import runtime
from libraries.services.providers import LLM_PROVIDERS

from . import probes
from .errors import HealthLibraryError
from .probes import Check

AUTH_SETTING = "AUTH_SERVICE_URL"
AGENT_SYSTEM_LIBRARY = "libraries.agent_system.AgentSystemLibrary"
SERVICES = ("PostgreSQL", "Redis", "LLM", "Agent System", "Auth Service")
ALIASES = {"PostgreSQL": ("postgres",)}
POLL_PAUSE_S = 0.2


class HealthSettings(Protocol):
    """What the components use of `HealthLibrary`: how long a probe may take, and when an answer is slow."""

    timeout: timedelta
    degraded_latency: timedelta


class HealthComponent(LibraryComponent[HealthSettings]):
    retry_pause = POLL_PAUSE_S

    def service_health(
        self,
        service: str,
        operator: AssertionOperator | None,
        expected: Any,
        message: str | None,
        *,
        retry_timeout: timedelta,
    ) -> str:
        """The status of ``service`` (any name `Get Service Health` takes), polled until the assertion holds."""
        return self.status(self.probe_name(service), operator, expected, message, retry_timeout)

    def status(self, service: str, operator, expected, message, retry_timeout: timedelta) -> str:
        """Probes ``service`` until its status passes the assertion; fails with the last status, latency and
        reason (unless ``message`` replaces it) and how long it waited."""

        def attempt() -> str:
            check = self.check(service)
            logger.info(f"Health: {check.describe()}")
            try:
                return verify_assertion(check.status, operator, expected, f"Health of {check.service}", message)
            except AssertionError as failed:
                if message:
                    raise
                raise AssertionError(f"{failed} ({check.describe()})") from None

        return poll(attempt, retry_timeout, pause=self.retry_pause)

    def check(self, service: str) -> Check:
        timeout_s = self.library.timeout.total_seconds()
        answer, shown = self._probe(service, timeout_s)
        return probes.classify(
            shown, answer, timeout_s=timeout_s, degraded_s=self.library.degraded_latency.total_seconds()
        )

    def probe_name(self, service: str) -> str:
        """``service`` as the probes name it: canonical, with the LLM provider kept (``LLM anthropic``)."""
        name = canonical_service(service)
        if name != "LLM":
            return name
        provider = service.split()[-1].lower() if len(service.split()) > 1 else "openai"
        if provider not in LLM_PROVIDERS:
            raise HealthLibraryError(f"Unknown LLM provider '{provider}': use LLM, LLM OpenAI or LLM Anthropic.")
        return f"LLM {provider}"

    def _probe(self, service: str, timeout_s: float) -> tuple[Callable[[], Any], str]:
        name = canonical_service(service)
        if name == "PostgreSQL":
            return probes.postgres(runtime.database_url(), timeout_s), "PostgreSQL"
        if name == "Redis":
            return probes.redis_ping(runtime.redis_url(), timeout_s), "Redis"
        if name == "LLM":
            provider = service.split()[-1].lower() if " " in service else "openai"
            return probes.http(_llm_url(provider), timeout_s, root=True), f"LLM {provider}"
        if name == "Agent System":
            return probes.system(agent_system().health), "Agent System"
        url = setting(AUTH_SETTING)
        if not url:
            raise SkipExecution(f"{AUTH_SETTING} is not set: there is no auth service to check. Set it to its URL.")
        return probes.http(url, timeout_s), f"Auth Service {runtime.mask_url(url)}"


def canonical_service(service: str) -> str:
    """The canonical name of ``service`` (the first word of a probe name such as ``LLM anthropic``)."""
    words = " ".join(service.replace("_", " ").replace("-", " ").split()).lower()
    for name in SERVICES:
        if words in (name.lower(), *ALIASES.get(name, ())) or words.startswith(f"{name.lower()} "):
            return name
    raise HealthLibraryError(
        f"Unknown service '{service}': use PostgreSQL (or postgres), Redis, LLM, Agent System or Auth Service."
    )


def available(service: str) -> bool:
    """Whether this run has ``service`` to probe."""
    endpoints = runtime.endpoints()
    if service == "PostgreSQL":
        return bool(endpoints.database_url)
    if service == "Redis":
        return bool(endpoints.redis_url)
    if service == "Agent System":
        try:
            return agent_system() is not None
        except RuntimeError:
            return False
    return True


def _llm_url(provider: str) -> str:
    emulator = runtime.endpoints().llm_emulator_url

    def emulator_base_url(name: str) -> str:
        control = EmulatorControl(emulator or "")
        return control.openai_base_url() if name == "openai" else control.anthropic_base_url()

    resolved = resolve(
        provider, model=None, api_key=None, base_url=None, llm_mode="live", emulator_base_url=emulator_base_url
    )
    return resolved.base_url or LLM_PROVIDERS[provider].api_url


def agent_system() -> Any:
    """The suite's agent system adapter, from AgentSystemLibrary (looked up by name: never imported)."""
    try:
        library = BuiltIn().get_library_instance(AGENT_SYSTEM_LIBRARY)
    except RuntimeError:
        raise RuntimeError(
            "The agent system's health needs keywords/agent_system.resource and Open Agent System Suite."
        ) from None
    if library.adapter is None:
        raise RuntimeError("No agent system is running in this suite: call Open Agent System Suite first.")
    return library.adapter
