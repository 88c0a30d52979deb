"""What the keyword components share: connections, the last call, this test's calls, prices, ledger, cassette."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from robot.api import logger

from libraries.common import ConnectionStore, facts
from libraries.services import runtime

from .emulator import EmulatorControl, scoped_model
from .errors import (
    PROVIDER_NAMES,
    LLMConfigurationError,
    LLMError,
    describe_failure,
    is_call_failure,
    truncated_stream_message,
)
from .ledger import LEDGER_FILE_NAME, SpendLedger
from .pricing import PriceTable
from .providers import AnthropicAdapter, OpenAIAdapter
from .recording import Cassette, CassetteMiss
from .records import CallRecord, LLMRequest
from .settings import Resolved, without_keys

_SNIPPET = 200


@dataclass
class Connection:
    alias: str
    settings: Resolved
    options: dict[str, Any] = field(repr=False)
    _adapter: OpenAIAdapter | AnthropicAdapter | None = field(default=None, repr=False)

    @property
    def adapter(self) -> OpenAIAdapter | AnthropicAdapter:
        """The SDK client, made on the first call: a suite that only scripts the emulator never imports an SDK."""
        if self._adapter is None:
            emulated = self.mode == "emulator"
            self._adapter = (
                OpenAIAdapter(_openai().OpenAI(**self.options), emulated=emulated)
                if self.provider == "openai"
                else AnthropicAdapter(_anthropic().Anthropic(**self.options), emulated=emulated)
            )
        return self._adapter

    def close(self) -> None:
        if self._adapter is not None:
            self._adapter.client.close()

    @property
    def provider(self) -> str:
        return self.settings.provider

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def model(self) -> str:
        return self.settings.model


@dataclass
class LLMState:
    prices: PriceTable
    budget_usd: float
    llm_mode: str
    ledger_file: str | None = None
    connections: ConnectionStore[Connection] = field(
        default_factory=lambda: ConnectionStore(
            "No LLM connection '{alias}' (open: {open}): call Connect To LLM first, or pass an open alias.",
            "LLM connection '{alias}' is replaced by a new one.",
            error=LLMConfigurationError,
        )
    )
    last: CallRecord | None = None
    test_calls: list[CallRecord] = field(default_factory=list)
    cassette: Cassette | None = None
    suite_token: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    test_number: int = 0
    system: SystemScope | None = None
    """The scope of the system under test while one runs in this suite: scripts and journal reads go there."""
    _ledger: SpendLedger | None = None

    @property
    def scope(self) -> str:
        """Unique per test: the library's own calls, and their scripts and journal queries, never cross tests or
        suites."""
        return f"{self.suite_token}-t{self.test_number}"

    @property
    def script_scope(self) -> str:
        """Where the emulator keywords script and read: the running system's scope, else this test's."""
        return self.system.name if self.system is not None else self.scope

    @property
    def journal_after(self) -> int:
        """Journal entries of the script scope numbered up to this belong to earlier tests of the suite."""
        return self.system.journal_after if self.system is not None else 0

    def start_test(self) -> None:
        self.test_number += 1
        self.test_calls = []
        self.last = None
        if self.system is not None:
            self._on_system(self.system.start_test)

    def end_test(self) -> None:
        if self.system is not None:
            self._on_system(self.system.log_test)

    def _on_system(self, action: Callable[[EmulatorControl], None]) -> None:
        """Between tests an emulator that does not answer is worth a warning, not an error of the next test."""
        try:
            action(self.emulator())
        except LLMError as error:
            logger.warn(f"The system's LLM scope was not updated between tests: {error}")

    # -- the system under test ------------------------------------------------------------------------

    def open_system_scope(self, system_name: str) -> str:
        """A new scope for a system under test started in this suite; returns its name."""
        self.close_system_scope()
        self.system = SystemScope(f"{self.suite_token}-sut{self.test_number}", system_name)
        return self.system.name

    def close_system_scope(self) -> None:
        """Adds what the system's LLM calls came to to the run summary (section ``llm_system``) and the log."""
        system, self.system = self.system, None
        if system is not None:
            system.record(self.emulator())

    # -- connections ------------------------------------------------------------------------------

    def connect(self, alias: str, settings: Resolved, timeout: timedelta, max_retries: int) -> Connection:
        """Opens ``alias`` (closing an open one of that name) and makes it the current connection."""
        options = {
            "api_key": settings.api_key,
            "base_url": settings.base_url,
            "timeout": timeout.total_seconds(),
            "max_retries": max_retries,
        }
        connection = Connection(alias, settings, options)
        self.connections.register(connection, alias)
        return connection

    def connection(self, alias: str | None) -> Connection:
        return self.connections.get_connection(alias)

    def close_all(self) -> None:
        self.connections.close_all()

    def emulator(self) -> EmulatorControl:
        url = runtime.endpoints().llm_emulator_url
        if not url:
            raise LLMConfigurationError(
                "The run has no LLM emulator (runtime.endpoints().llm_emulator_url is empty): start llmock in "
                "Set Up Run Services, or set OPENAI_API_KEY / ANTHROPIC_API_KEY to use the real providers."
            )
        return EmulatorControl(url)

    def keys(self) -> list[str]:
        return [c.settings.api_key for c in self.connections]

    # -- spend --------------------------------------------------------------------------------------

    @property
    def ledger(self) -> SpendLedger:
        if self._ledger is None:
            if self.ledger_file:
                self._ledger = SpendLedger(self.ledger_file, self.budget_usd)
            else:
                self._ledger = SpendLedger(_default_ledger_path(), self.budget_usd, create_directory=False)
        return self._ledger

    def use_ledger(self, path: str | None, budget_usd: float) -> None:
        self.ledger_file = path
        self.budget_usd = budget_usd
        self._ledger = None

    # -- calls ----------------------------------------------------------------------------------------

    def call(self, request: LLMRequest, alias: str | None, **overrides: Any) -> CallRecord:
        connection = self.connection(alias)
        record = CallRecord(connection.provider, connection.model, connection.mode)
        if connection.mode == "real":
            self._guard_real_call(connection)
        wire_model = scoped_model(connection.model, self.scope) if connection.mode == "emulator" else connection.model
        options = {name: value for name, value in overrides.items() if value is not None}
        try:
            connection.adapter.call(wire_model, request, record, options)
        except CassetteMiss:
            raise LLMError(
                f"{PROVIDER_NAMES[connection.provider]} call to model '{connection.model}' has no recorded answer "
                f"in cassette '{self.cassette.path if self.cassette else '?'}': record it again with LLM_MODE=record."
            ) from None
        except Exception as error:
            if not is_call_failure(error):
                raise
            message = describe_failure(connection.provider, connection.model, error, record.request_id)
            raise LLMError(without_keys(message, self.keys())) from None
        self._account(record)
        if request.stream and record.finish_reason is None:
            raise LLMError(truncated_stream_message(record.provider, record.model, record.chunks, record.request_id))
        self.last = record
        return record

    def _guard_real_call(self, connection: Connection) -> None:
        if self.prices.find(connection.model) is None:
            raise LLMConfigurationError(
                f"No price for model '{connection.model}' in {self.prices.path}: add a row so real spend is "
                "counted against the budget, or pick a listed model."
            )
        self.ledger.check_budget(f"the {PROVIDER_NAMES[connection.provider]} call to '{connection.model}'")

    def _account(self, record: CallRecord) -> None:
        record.cost_usd = self.prices.cost(record.model, record.usage)
        self.ledger.charge(record.cost_usd or 0.0, real=record.mode == "real")
        self.test_calls.append(record)
        usage = record.usage
        facts.add(
            "llm",
            provider=record.provider,
            model=record.model,
            mode=record.mode,
            calls=1,
            input_tokens=usage.input_tokens,
            cached_input_tokens=usage.cached_input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=record.cost_usd or 0.0,
        )
        logger.info(_summary(record))
        logger.debug(f"Full answer: {record.text}")

    def last_call(self) -> CallRecord:
        if self.last is None:
            raise LLMError("No LLM call has succeeded in this test yet: call Ask LLM (or another call keyword) first.")
        return self.last

    def test_cost(self) -> float:
        return sum(call.cost_usd or 0.0 for call in self.test_calls)


@dataclass
class SystemScope:
    """The emulator scope of one system under test: every LLM call it makes, whatever its model, lands here."""

    name: str
    system_name: str
    journal_after: int = 0
    _seen: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def start_test(self, emulator: EmulatorControl) -> None:
        """Drops what an earlier test scripted and left unconsumed; later journal reads skip earlier requests."""
        self.journal_after = emulator.drop_scripts(self.name)
        self._seen = _by_model(emulator.figures(self.name))

    def log_test(self, emulator: EmulatorControl) -> None:
        now = _by_model(emulator.figures(self.name))
        calls = [
            {**row, **{name: row[name] - self._seen.get(key, {}).get(name, 0) for name in SYSTEM_FIGURES}}
            for key, row in now.items()
        ]
        calls = [row for row in calls if row["calls"]]
        if calls:
            logger.info(f"LLM calls of {self.system_name} in this test: {_system_line(calls)}.")

    def record(self, emulator: EmulatorControl) -> None:
        rows = emulator.figures(self.name)
        for row in rows:
            facts.add(
                "llm_system",
                system=self.system_name,
                provider=row["provider"],
                model=row["model"],
                mode="emulator",
                **{name: row[name] for name in SYSTEM_FIGURES},
            )
        logger.info(f"LLM calls of {self.system_name} in this suite: {_system_line(rows)}.")


SYSTEM_FIGURES = ("calls", "input_tokens", "output_tokens", "faults")


def _by_model(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["provider"], row["model"]): row for row in rows}


def _system_line(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "none"
    total = {name: sum(row[name] for row in rows) for name in SYSTEM_FIGURES}
    return (
        f"{total['calls']} call(s), tokens in {total['input_tokens']} out {total['output_tokens']}, "
        f"{total['faults']} met a fault ("
        + ", ".join(f"{PROVIDER_NAMES.get(r['provider'], r['provider'])} {r['model']}: {r['calls']}" for r in rows)
        + ")"
    )


def _default_ledger_path() -> Path:
    try:
        run_dir = runtime.endpoints().run_dir
    except runtime.ServicesNotReady:
        run_dir = ""
    if not run_dir:
        logger.warn("The run has no shared run_dir: the LLM budget is counted for this process only.")
        run_dir = tempfile.mkdtemp(prefix="llm-ledger-")
    return Path(run_dir) / LEDGER_FILE_NAME


def _summary(record: CallRecord) -> str:
    first_token = (
        f", first token {record.time_to_first_token_s * 1000:.0f} ms"
        if record.stream and record.time_to_first_token_s
        else ""
    )
    cost = f"${record.cost_usd:.6f}" if record.cost_usd is not None else "unpriced"
    usage = record.usage
    tools = f", tool calls {[c.name for c in record.tool_calls]}" if record.tool_calls else ""
    answer = record.text if len(record.text) <= _SNIPPET else f"{record.text[:_SNIPPET]}..."
    return (
        f"{PROVIDER_NAMES[record.provider]} {record.model} [{record.mode}]: {record.latency_s * 1000:.0f} ms"
        f"{first_token}, tokens in {usage.input_tokens} (cached {usage.cached_input_tokens}) out "
        f"{usage.output_tokens}, cost {cost}, request id {record.request_id or 'n/a'}, retries {record.retries}, "
        f"finish {record.finish_reason}{tools}. Answer: {answer}"
    )


def _openai() -> Any:
    """The SDK, imported with the first connection that needs it (importing both takes about 2.5 s)."""
    import openai

    return openai


def _anthropic() -> Any:
    import anthropic

    return anthropic
