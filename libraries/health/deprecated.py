"""The four per-service getters that `Get Service Health` replaced, kept for one release.

Each logs a warning naming its replacement and calls it. Robot Framework adds its own short warning for a keyword
whose documentation starts with ``*DEPRECATED``; ours says what to write instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from assertionengine import AssertionOperator
from robot.api import logger
from robot.api.deco import keyword

if TYPE_CHECKING:
    from .library import HealthKeywords

REPLACEMENT = "Get Service Health"


class DeprecatedHealthKeywords:
    def __init__(self, keywords: HealthKeywords) -> None:
        self.keywords = keywords

    @keyword("Get PostgreSQL Health")
    def get_postgresql_health(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        """*DEPRECATED Use Get Service Health instead.*

        Write ``Get Service Health    PostgreSQL``.

        Example:
        | `Get Service Health`    PostgreSQL    ==    ok
        """
        return self._replaced(
            "Get PostgreSQL Health", "PostgreSQL", assertion_operator, assertion_expected, message, retry_timeout
        )

    @keyword("Get Redis Health")
    def get_redis_health(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        """*DEPRECATED Use Get Service Health instead.*

        Write ``Get Service Health    Redis``.

        Example:
        | `Get Service Health`    Redis    ==    ok
        """
        return self._replaced(
            "Get Redis Health", "Redis", assertion_operator, assertion_expected, message, retry_timeout
        )

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
        """*DEPRECATED Use Get Service Health instead.*

        Write ``Get Service Health    LLM`` (OpenAI) or ``Get Service Health    LLM Anthropic``.

        Example:
        | `Get Service Health`    LLM Anthropic    ==    ok
        """
        service = "LLM" if provider.lower() == "openai" else f"LLM {provider.capitalize()}"
        return self._replaced("Get LLM Health", service, assertion_operator, assertion_expected, message, retry_timeout)

    @keyword("Get Auth Service Health")
    def get_auth_service_health(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta = timedelta(0),
    ) -> str:
        """*DEPRECATED Use Get Service Health instead.*

        Write ``Get Service Health    Auth Service``.

        Example:
        | `Get Service Health`    Auth Service    ==    ok
        """
        return self._replaced(
            "Get Auth Service Health", "Auth Service", assertion_operator, assertion_expected, message, retry_timeout
        )

    def _replaced(self, old: str, service: str, operator, expected, message, retry_timeout: timedelta) -> str:
        logger.warn(f"Keyword '{old}' is deprecated: use '{REPLACEMENT}    {service}' instead.")
        return self.keywords.get_service_health(service, operator, expected, message, retry_timeout=retry_timeout)
