from __future__ import annotations

import html
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion, verify_assertion
from robot.api import logger
from robot.api.deco import keyword
from robot.api.exceptions import SkipExecution
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import timestr_to_secs
from robotlibcore import DynamicCore

from libraries.common import setting
from libraries.llm_library.emulator import EmulatorControl
from libraries.llm_library.settings import resolve
from libraries.services import runtime
from libraries.services.settings import LLM_ENDPOINTS

from . import probes
from .deprecated import DeprecatedHealthKeywords
from .errors import HealthLibraryError
from .probes import Check

__version__ = "1.0.0"
AUTH_SETTING = "AUTH_SERVICE_URL"
AGENT_SYSTEM_LIBRARY = "libraries.agent_system.AgentSystemLibrary"
SERVICES = ("PostgreSQL", "Redis", "LLM", "Agent System", "Auth Service")
ALIASES = {"PostgreSQL": ("postgres",)}
LLM_PROVIDERS = ("openai", "anthropic")
POLL_PAUSE_S = 0.2


class HealthLibrary(DynamicCore):
    """Health of the services an agent system depends on: ``ok``, ``degraded`` or ``down``, with latency.

    = Table of contents =

    %TOC%

    = Services and probes =

    | *Service*    | *Probe*                                          | *Where*                            |
    | PostgreSQL   | connect and ``SELECT 1``                         | the run's server (``DATABASE_URL``) |
    | Redis        | ``PING`` on a new connection                     | the run's server (``REDIS_URL``)   |
    | LLM          | an HTTP request to the endpoint's root           | the emulator or the real API       |
    | Agent System | the system under test's own report               | the suite's system (its adapter)   |
    | Auth Service | ``GET`` of ``AUTH_SERVICE_URL``                  | optional; skipped when unset       |

    = Status =

    ``down``: the probe failed, got an HTTP 5xx, or had no answer within ``timeout``. ``degraded``: it answered
    but slower than ``degraded_latency`` (or the system under test reports itself degraded). ``ok`` otherwise.
    Both are set at import (defaults 2 s and 250 ms, the reference system's own threshold) and per keyword.
    An HTTP answer below 500 counts as reachable: a 401 from an auth service says it is up.

    = Assertions and waiting =

    One getter serves every service, named as in the table above (any case; ``postgres`` works too):
    ``Get Service Health    Redis    ==    ok``. It takes AssertionEngine operators, and with ``retry_timeout`` it
    polls until the assertion holds. `Wait Until Redis Is Healthy` and its siblings poll until the status is
    ``ok`` and fail naming the last status, latency and reason. Latencies are seconds as numbers; an expected
    latency may be written ``50 ms``. The system under test's own status, without the latency grading, is
    `Get Agent System Health` of AgentSystemLibrary.

    = Deprecated keywords =

    `Get PostgreSQL Health`, `Get Redis Health`, `Get LLM Health` and `Get Auth Service Health` still work in
    this release and log a warning each time; write `Get Service Health` with the service's name instead.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(
        self, *, timeout: timedelta = timedelta(seconds=2), degraded_latency: timedelta = timedelta(milliseconds=250)
    ) -> None:
        """``timeout`` bounds each probe; an answer slower than ``degraded_latency`` is ``degraded``."""
        self.timeout = timeout
        self.degraded_latency = degraded_latency
        keywords = HealthKeywords(self)
        DynamicCore.__init__(self, [keywords, DeprecatedHealthKeywords(keywords)])


class HealthKeywords:
    def __init__(self, library: HealthLibrary) -> None:
        self.library = library

    @keyword("Get Service Health")
    def get_service_health(
        self,
        service: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        """The health of ``service``: ``ok``, ``degraded`` or ``down``; with an operator, polls until it holds.

        ``service`` is one of the names in `Services and probes`, in any case: ``PostgreSQL`` (or ``postgres``),
        ``Redis``, ``LLM`` (OpenAI's endpoint; ``LLM Anthropic`` for Anthropic's), ``Agent System`` or
        ``Auth Service``. Without ``assertion_operator`` it returns the status it saw once. With one, it probes
        again every 0.2 s until the assertion holds or ``retry_timeout`` (default 0: one probe) has passed, then
        fails naming the last status, latency and reason; ``message`` replaces that text. The auth service is
        optional: the test is skipped when ``AUTH_SERVICE_URL`` is not set.

        Example:
        | `Get Service Health`    postgres    ==    ok
        | `Get Service Health`    LLM Anthropic    ==    ok
        | `Get Service Health`    Agent System    ==    degraded    retry_timeout=10 s
        | ${status}    `Get Service Health`    Redis
        """
        return self._status(self._probe_name(service), assertion_operator, assertion_expected, message, retry_timeout)

    @keyword("Get Health Latency")
    def get_health_latency(
        self,
        service: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """How long the health probe of ``service`` took, in seconds; ``service`` is named as for
        `Get Service Health`.

        Example:
        | `Get Health Latency`    Redis    <    50 ms
        """
        check = self._check(self._probe_name(service))
        expected = assertion_expected
        if isinstance(expected, str):
            expected = timestr_to_secs(expected)
        label = f"Health latency of {check.service} in seconds"
        return float_str_verify_assertion(check.latency_s, assertion_operator, expected, label, message or "")

    @keyword("Wait Until ${service:PostgreSQL|Redis|LLM|Agent System|Auth Service} Is Healthy")
    def wait_until_service_is_healthy(self, service: str, *, retry_timeout: timedelta = timedelta(seconds=10)) -> None:
        """Polls the service until its status is ``ok``; fails after ``retry_timeout`` with what it last saw.

        Example:
        | `Wait Until Redis Is Healthy`    retry_timeout=5 s
        | `Wait Until Agent System Is Healthy`    retry_timeout=20 s
        """
        self._status(service, AssertionOperator["=="], "ok", None, retry_timeout)

    @keyword("Log Service Health")
    def log_service_health(self) -> list[dict[str, Any]]:
        """Probes every service this run has and logs one table (status, latency, reason); returns the rows.

        Example:
        | `Log Service Health`
        """
        names = ["PostgreSQL", "Redis", "LLM openai", "Agent System"] + (["Auth Service"] * bool(setting(AUTH_SETTING)))
        checks = [self._check(name) for name in names if self._available(name)]
        cells = "".join(
            f"<tr><td>{html.escape(c.service)}</td><td>{html.escape(c.status)}</td>"
            f"<td>{c.latency_s * 1000:.1f} ms</td><td>{html.escape(c.detail)}</td></tr>"
            for c in checks
        )
        logger.info(
            '<table class="statistics"><tr><th>Service</th><th>Status</th><th>Latency</th><th>Reason</th></tr>'
            f"{cells}</table>",
            html=True,
        )
        return [
            {"service": c.service, "status": c.status, "latency_s": c.latency_s, "detail": c.detail} for c in checks
        ]

    # -- probing ----------------------------------------------------------------------------------

    def _status(self, service, operator, expected, message, retry_timeout: timedelta) -> str:
        deadline = time.monotonic() + retry_timeout.total_seconds()
        while True:
            check = self._check(service)
            logger.info(f"Health: {check.describe()}")
            try:
                return verify_assertion(check.status, operator, expected, f"Health of {check.service}", message)
            except AssertionError as failed:
                if time.monotonic() >= deadline:
                    if message:
                        raise
                    raise AssertionError(
                        f"{failed} ({check.describe()}, after {retry_timeout.total_seconds():g} s)"
                    ) from None
            time.sleep(min(POLL_PAUSE_S, max(deadline - time.monotonic(), 0)))

    def _check(self, service: str) -> Check:
        timeout_s = self.library.timeout.total_seconds()
        answer, shown = self._probe(service, timeout_s)
        check = probes.classify(
            shown, answer, timeout_s=timeout_s, degraded_s=self.library.degraded_latency.total_seconds()
        )
        return check

    def _probe(self, service: str, timeout_s: float) -> tuple[Callable[[], Any], str]:
        name = self._service(service)
        if name == "PostgreSQL":
            return probes.postgres(runtime.database_url(), timeout_s), "PostgreSQL"
        if name == "Redis":
            return probes.redis_ping(runtime.redis_url(), timeout_s), "Redis"
        if name == "LLM":
            provider = service.split()[-1].lower() if " " in service else "openai"
            return probes.http(_llm_url(provider), timeout_s, root=True), f"LLM {provider}"
        if name == "Agent System":
            return probes.system(_agent_system().health), "Agent System"
        url = setting(AUTH_SETTING)
        if not url:
            raise SkipExecution(f"{AUTH_SETTING} is not set: there is no auth service to check. Set it to its URL.")
        return probes.http(url, timeout_s), f"Auth Service {runtime.mask_url(url)}"

    def _service(self, service: str) -> str:
        """The canonical name of ``service`` (the first word of a probe name such as ``LLM anthropic``)."""
        words = " ".join(service.replace("_", " ").replace("-", " ").split()).lower()
        for name in SERVICES:
            if words in (name.lower(), *ALIASES.get(name, ())) or words.startswith(f"{name.lower()} "):
                return name
        raise HealthLibraryError(
            f"Unknown service '{service}': use PostgreSQL (or postgres), Redis, LLM, Agent System or Auth Service."
        )

    def _probe_name(self, service: str) -> str:
        """``service`` as the probes name it: canonical, with the LLM provider kept (``LLM anthropic``)."""
        name = self._service(service)
        if name != "LLM":
            return name
        provider = service.split()[-1].lower() if len(service.split()) > 1 else "openai"
        if provider not in LLM_PROVIDERS:
            raise HealthLibraryError(f"Unknown LLM provider '{provider}': use LLM, LLM OpenAI or LLM Anthropic.")
        return f"LLM {provider}"

    def _available(self, service: str) -> bool:
        endpoints = runtime.endpoints()
        if service == "PostgreSQL":
            return bool(endpoints.database_url)
        if service == "Redis":
            return bool(endpoints.redis_url)
        if service == "Agent System":
            try:
                return _agent_system() is not None
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
    own_api = {name.lower(): url for _, _, name, url in LLM_ENDPOINTS}
    return resolved.base_url or own_api[provider]


def _agent_system() -> Any:
    try:
        library = BuiltIn().get_library_instance(AGENT_SYSTEM_LIBRARY)
    except RuntimeError:
        raise RuntimeError(
            "The agent system's health needs keywords/agent_system.resource and Open Agent System Suite."
        ) from None
    if library.adapter is None:
        raise RuntimeError("No agent system is running in this suite: call Open Agent System Suite first.")
    return library.adapter
