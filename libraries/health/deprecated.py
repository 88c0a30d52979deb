"""The four per-service getters that `Get Service Health` replaced, kept for one release.

Each logs a warning naming its replacement and calls it. Robot Framework adds its own short warning for a keyword
whose documentation starts with ``*DEPRECATED``; ours says what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import RETRY_TIMEOUT_DOC

from .base import HealthComponent

REPLACEMENT = "Get Service Health"


def _documentation(write: str, example: str) -> str:
    return (
        f"*DEPRECATED Use {REPLACEMENT} instead.*\n\nWrite {write}. {RETRY_TIMEOUT_DOC}\n\n"
        f"Example:\n| `{REPLACEMENT}`    {example}    ==    ok\n"
    )


def _replaced_getter(old: str, service: str) -> Callable[..., str]:
    """The deprecated getter ``old``: `Get Service Health` of ``service``, with a warning."""

    def getter(
        self: DeprecatedHealthKeywords,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        return self.replaced(old, service, assertion_operator, assertion_expected, message, retry_timeout)

    getter.__name__ = getter.__qualname__ = "get_" + old.lower().removeprefix("get ").replace(" ", "_")
    getter.__doc__ = _documentation(f"``{REPLACEMENT}    {service}``", service)
    return keyword(old)(getter)


class DeprecatedHealthKeywords(HealthComponent):
    get_postgresql_health = _replaced_getter("Get PostgreSQL Health", "PostgreSQL")
    get_redis_health = _replaced_getter("Get Redis Health", "Redis")
    get_auth_service_health = _replaced_getter("Get Auth Service Health", "Auth Service")

    @keyword("Get LLM Health")
    def get_llm_health(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        provider: str = "openai",
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        service = "LLM" if provider.lower() == "openai" else f"LLM {provider.capitalize()}"
        return self.replaced("Get LLM Health", service, assertion_operator, assertion_expected, message, retry_timeout)

    get_llm_health.__doc__ = _documentation(
        f"``{REPLACEMENT}    LLM`` (OpenAI) or ``{REPLACEMENT}    LLM Anthropic``", "LLM Anthropic"
    )

    def replaced(self, old: str, service: str, operator, expected, message, retry_timeout: timedelta) -> str:
        logger.warn(f"Keyword '{old}' is deprecated: use '{REPLACEMENT}    {service}' instead.")
        return self.service_health(service, operator, expected, message, retry_timeout=retry_timeout)
