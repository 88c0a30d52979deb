"""The LLM keyword library: OpenAI and Anthropic through their official SDKs, an offline emulator, validation
and cost."""

from __future__ import annotations

import re
from pathlib import Path

from robot.api import logger
from robotlibcore import DynamicCore

from .keywords.calls import CallKeywords
from .keywords.connection import ConnectionKeywords
from .keywords.cost import CostKeywords
from .keywords.emulator import EmulatorKeywords
from .keywords.recording import RecordingKeywords
from .keywords.validation import ValidationKeywords
from .ledger import BUDGET_VARIABLE, budget_from
from .pricing import DEFAULT_PRICE_TABLE, PriceTable
from .recording import CASSETTE_DIR_VARIABLE, DEFAULT_CASSETTE_DIR, MODE_VARIABLE, Cassette, mode_from
from .settings import setting
from .state import LLMState

__version__ = "0.1.0"


class LLMLibrary(DynamicCore):
    """Calls OpenAI and Anthropic through their official SDKs, checks the answers and counts what they cost.

    %TOC%

    = Modes =

    | *Mode*   | *When*                                        | *Calls go to*                                |
    | emulator | no key for the provider                       | the run's llmock emulator, with a dummy key  |
    | real     | ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY`` set | the provider, or ``*_BASE_URL`` when set     |
    | replay   | ``LLM_MODE=replay``                           | cassettes, never the network                 |

    Keys come from keyword arguments (``Secret`` only), Robot variables or the environment and are never
    logged. ``LLM_MODE=record`` with keys records each test's real exchanges into
    ``<LLM_CASSETTE_DIR>/<suite>/<test>.yaml`` (default directory ``resources/llm/cassettes``);
    ``LLM_MODE=replay`` plays them back offline, so run it with ``--include real_llm``: scripted emulator tests
    skip in replay mode.

    = Emulator scripts =

    Keywords such as `LLM Will Fail` or `LLM Stream Will Break` script the emulator for one *scope*: a script
    matches only requests whose model is sent as ``<model>@<scope>``, so parallel suites sharing the run's emulator
    never take each other's scripts. Against a real provider these keywords skip the test.

    - The library's own calls (`Ask LLM` ...) send their model with the current test's scope, and the keywords
      script that scope.
    - While a system under test runs in the suite (`Start Agent System`), the keywords script *the system's* scope
      instead, one per started system. The system gets the emulator's base URLs ``<emulator>/scope/<scope>/v1``
      (OpenAI) and ``<emulator>/scope/<scope>/anthropic`` (Anthropic); the kit's emulator (``python -m
      llm_emulator``, llmock behind a scoping layer) adds the scope to whatever model the system sends, so a
      script reaches the system's next call whatever its model and whether it streams or not. Before each test
      the scope's unconsumed scripts are dropped, and `Get LLM Requests` and the checks built on it read only the
      requests of the current test. The library's own calls keep their test scope meanwhile: a script made while
      a system runs is for the system.

    The system's calls, tokens and the calls that met a scripted fault are logged after each test and counted in
    the run summary (``summary.json``: ``llm.system_under_test``), apart from the library's own calls.

    = Failures =

    Every failed call (status errors, timeouts, dropped connections, bodies that are not JSON, a stream cut
    short without a finish reason) fails with one line naming provider, model, status and request id.

    = Cost and budget =

    Costs come from ``resources/llm/prices.csv`` (per 1M tokens: input, cached input, cache write, output;
    ``effective_from``; source). OpenAI's ``prompt_tokens`` includes cached tokens; Anthropic's
    ``input_tokens`` does not, so cache reads and writes are added back before pricing. Real calls are charged
    to a ledger shared by all processes of the run; once it reaches ``LLM_BUDGET_USD`` (default 1.00) further
    real calls fail. `Log LLM Run Cost` prints the run total.

    = Inline assertions =

    Getters take AssertionEngine operators: ``Get Last LLM Answer    contains    Paris``,
    ``Get Last LLM Answer    matches    \\d{4}``. `LLM Answer Should Contain` and `LLM Answer Should Match Pattern`
    did the same and are deprecated.
    """

    ROBOT_LIBRARY_SCOPE = "SUITE"
    ROBOT_LIBRARY_VERSION = __version__
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(
        self,
        *,
        price_table: str | None = None,
        budget_usd: float | None = None,
        ledger_file: str | None = None,
    ) -> None:
        """``price_table`` is a CSV like ``resources/llm/prices.csv``; ``budget_usd`` overrides ``LLM_BUDGET_USD``.

        ``ledger_file`` replaces the run-wide ledger (``<run_dir>/llm_spend.json``).
        """
        budget = budget_usd if budget_usd is not None else budget_from(setting(BUDGET_VARIABLE))
        self.state = LLMState(
            prices=PriceTable.load(price_table or DEFAULT_PRICE_TABLE),
            budget_usd=budget,
            llm_mode=mode_from(setting(MODE_VARIABLE)),
            ledger_file=ledger_file,
        )
        self.ROBOT_LIBRARY_LISTENER = self
        components = [
            ConnectionKeywords(self),
            CallKeywords(self),
            EmulatorKeywords(self),
            ValidationKeywords(self),
            CostKeywords(self),
            RecordingKeywords(self),
        ]
        DynamicCore.__init__(self, components)

    def start_test(self, data, result) -> None:
        self.state.start_test()
        if self.state.llm_mode != "live":
            directory = Path(setting(CASSETTE_DIR_VARIABLE) or DEFAULT_CASSETTE_DIR)
            path = directory / _file_name(data.parent.full_name) / f"{_file_name(data.name)}.yaml"
            self.state.cassette = Cassette(path, self.state.llm_mode)

    def end_test(self, data, result) -> None:
        self.state.end_test()
        if self.state.cassette is not None:
            self.state.cassette.close()
            self.state.cassette = None
        if self.state.test_calls:
            logger.info(
                f"LLM cost of this test: ${self.state.test_cost():.6f} in {len(self.state.test_calls)} call(s)."
            )

    def close(self) -> None:
        self.state.close_all()


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "unnamed"
