"""The health keywords: one getter for every service, its latency, waits until a service is healthy, a table."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import renamed_argument, seconds, setting

from .base import AUTH_SETTING, HealthComponent, available


class HealthKeywords(HealthComponent):
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
        again every 0.2 s until the assertion holds, then fails naming the last status, latency and reason;
        ``message`` replaces that text. ``retry_timeout`` is how long the keyword keeps polling until its
        assertion holds (default 0: one probe). The auth service is optional: the test is skipped when
        ``AUTH_SERVICE_URL`` is not set.

        Example:
        | `Get Service Health`    postgres    ==    ok
        | `Get Service Health`    LLM Anthropic    ==    ok
        | `Get Service Health`    Agent System    ==    degraded    retry_timeout=10 s
        | ${status}    `Get Service Health`    Redis
        """
        return self.service_health(
            service, assertion_operator, assertion_expected, message, retry_timeout=retry_timeout
        )

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
        check = self.check(self.probe_name(service))
        expected = seconds(assertion_expected) if isinstance(assertion_expected, str) else assertion_expected
        label = f"Health latency of {check.service} in seconds"
        return float_str_verify_assertion(check.latency_s, assertion_operator, expected, label, message or "")

    @keyword("Wait Until ${service:PostgreSQL|Redis|LLM|Agent System|Auth Service} Is Healthy")
    def wait_until_service_is_healthy(
        self,
        service: str,
        *,
        timeout: timedelta = timedelta(seconds=10),
        retry_timeout: timedelta | None = None,
    ) -> None:
        """Polls the service until its status is ``ok``; fails with what it last saw.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it; here the operation
        is the wait for ``ok`` (default 10 s). ``retry_timeout`` is the deprecated name of ``timeout``: it still
        works in this release and logs a warning.

        Example:
        | `Wait Until Redis Is Healthy`    timeout=5 s
        | `Wait Until Agent System Is Healthy`    timeout=20 s
        """
        limit = renamed_argument(f"Wait Until {service} Is Healthy", "retry_timeout", retry_timeout, "timeout", timeout)
        self.status(service, AssertionOperator["=="], "ok", None, limit)

    @keyword("Log Service Health")
    def log_service_health(self) -> list[dict[str, Any]]:
        """Probes every service this run has and logs one table (status, latency, reason); returns the rows.

        Example:
        | `Log Service Health`
        """
        names = ["PostgreSQL", "Redis", "LLM openai", "Agent System"] + (["Auth Service"] * bool(setting(AUTH_SETTING)))
        checks = [self.check(name) for name in names if available(name)]
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
