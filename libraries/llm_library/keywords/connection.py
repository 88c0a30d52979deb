from __future__ import annotations

from datetime import timedelta

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword
from robot.api.exceptions import SkipExecution
from robot.api.types import Secret

from libraries.services import runtime

from ..errors import PROVIDER_NAMES
from ..settings import KEY_VARIABLES, provider_name, resolve
from .base import LLMComponent


class ConnectionKeywords(LLMComponent):
    @keyword("Connect To LLM")
    def connect_to_llm(
        self,
        provider: str,
        *,
        model: str | None = None,
        # Not `Secret | None`: Robot Framework would echo a plain-text key in the union conversion error.
        api_key: Secret = None,
        base_url: str | None = None,
        timeout: timedelta = timedelta(seconds=30),
        max_retries: int = 2,
        alias: str | None = None,
    ) -> str:
        """Opens a connection to ``provider`` (``openai`` or ``anthropic``) and makes it the current one.

        Without a key (argument, Robot variable or environment ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY``)
        the connection talks to the run's emulator with a dummy key: mode ``emulator``. With a key it talks to
        the real API, or to ``base_url`` / ``OPENAI_BASE_URL`` / ``ANTHROPIC_BASE_URL`` when set: mode ``real``.
        With ``LLM_MODE=replay`` answers come from cassettes: mode ``replay``.

        ``model`` defaults to ``LLM_OPENAI_MODEL`` / ``LLM_ANTHROPIC_MODEL`` or ``gpt-4o-mini`` /
        ``claude-haiku-4-5``. ``timeout`` bounds one operation: after that time the keyword stops waiting for it.
        Here the operation is one read of an answer of a call on this connection (the SDK's read timeout).
        ``max_retries`` is the SDK's retry count. ``api_key`` must be a Secret. Returns the mode.

        Example:
        | Connect To LLM | openai |
        | Connect To LLM | anthropic | model=claude-haiku-4-5 | timeout=5s | max_retries=1 | alias=judge |
        | VAR | ${key: Secret} | %{OPENAI_API_KEY} |
        | Connect To LLM | openai | api_key=${key} |
        """
        name = provider_name(provider)
        settings = resolve(
            name,
            model=model,
            api_key=api_key,
            base_url=base_url,
            llm_mode=self.state.llm_mode,
            emulator_base_url=self._emulator_base_url,
        )
        connection = self.state.connect(alias or "default", settings, timeout, max_retries)
        where = runtime.mask_url(settings.base_url) if settings.base_url else "the provider's default URL"
        logger.info(
            f"Connected '{connection.alias}' to {PROVIDER_NAMES[name]} model '{settings.model}' in {settings.mode} "
            f"mode at {where} (timeout {timeout.total_seconds()} s, max retries {max_retries})."
        )
        return settings.mode

    @keyword("Switch LLM")
    def switch_llm(self, alias: str) -> str:
        """Makes the connection ``alias`` the current one and returns the previous alias.

        Example:
        | ${previous} = | Switch LLM | judge |
        """
        previous = self.state.connections.current_alias
        self.state.connections.switch(alias)
        logger.info(f"Current LLM connection is '{alias}'.")
        return previous

    @keyword("Disconnect From All LLMs")
    def disconnect_from_all_llms(self) -> None:
        """Closes every LLM connection; safe in a teardown even when none is open.

        Example:
        | Disconnect From All LLMs |
        """
        count = len(self.state.connections)
        self.state.close_all()
        logger.info(f"Closed {count} LLM connection(s).")

    @keyword("Get LLM Mode")
    def get_llm_mode(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: str | None = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> str:
        """Returns ``emulator``, ``real`` or ``replay`` for the connection, with an optional inline assertion.

        Example:
        | Get LLM Mode    ==    real
        """
        mode = self.state.connection(alias).mode
        return verify_assertion(mode, assertion_operator, assertion_expected, "LLM mode", message)

    @keyword("Get LLM Emulator URL")
    def get_llm_emulator_url(self, provider: str) -> str:
        """Returns the SDK base URL of the run's emulator for ``provider`` (``/v1`` or ``/anthropic`` added).

        Example:
        | ${url} = | Get LLM Emulator URL | openai |
        """
        if not runtime.endpoints().llm_emulator_url:
            raise SkipExecution("Needs the LLM emulator, but this run has none: both provider keys are set.")
        return self._emulator_base_url(provider_name(provider))

    @keyword("Skip Unless Real LLM")
    def skip_unless_real_llm(self, *, alias: str | None = None) -> None:
        """Skips the test unless the connection is a real provider (or replays one), naming the key to set.

        Example:
        | Skip Unless Real LLM |
        """
        connection = self.state.connection(alias)
        if connection.mode not in ("real", "replay"):
            raise SkipExecution(
                f"Needs a real {PROVIDER_NAMES[connection.provider]} API: set {KEY_VARIABLES[connection.provider]} "
                f"(environment or --variable); connection '{connection.alias}' is in {connection.mode} mode."
            )

    def _emulator_base_url(self, provider: str) -> str:
        control = self.state.emulator()
        return control.openai_base_url() if provider == "openai" else control.anthropic_base_url()
