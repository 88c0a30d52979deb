from __future__ import annotations

from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from ..errors import LLMConfigurationError, LLMError
from ..ledger import BUDGET_VARIABLE
from .base import LLMComponent


class CostKeywords(LLMComponent):
    @keyword("Get LLM Call Cost")
    def get_llm_call_cost(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """Returns the cost in US dollars of the last call, from the price table (0 for an unpriced model).

        Example:
        | Get LLM Call Cost | > | 0 |
        """
        cost = self.state.last_call().cost_usd or 0.0
        return float_str_verify_assertion(cost, assertion_operator, assertion_expected, "LLM call cost", message)

    @keyword("Get LLM Test Cost")
    def get_llm_test_cost(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """Returns the summed cost in US dollars of every call of the current test (also logged at test end).

        Example:
        | ${cost} = | Get LLM Test Cost |
        """
        cost = self.state.test_cost()
        return float_str_verify_assertion(cost, assertion_operator, assertion_expected, "LLM test cost", message)

    @keyword("Get LLM Run Spend")
    def get_llm_run_spend(self) -> dict[str, float]:
        """Returns the run's spend so far from the shared ledger.

        Keys: ``real_usd`` and ``real_calls`` (charged against the budget), ``emulated_usd`` and
        ``emulated_calls`` (what the emulated calls would have cost), ``budget_usd``.

        Example:
        | ${spend} = | Get LLM Run Spend |
        | Should Be True | ${spend}[real_usd] < ${spend}[budget_usd] |
        """
        return {**self.state.ledger.totals(), "budget_usd": self.state.ledger.budget_usd}

    @keyword("Set LLM Budget")
    def set_llm_budget(self, budget_usd: float, *, ledger_file: str | None = None) -> None:
        """Sets the budget in US dollars for real calls of this suite; ``ledger_file`` gives it its own ledger.

        The run-wide default is ``LLM_BUDGET_USD`` (1.00 when unset), counted in a ledger shared by every
        process of the run. A private ``ledger_file`` lets a test spend against a tiny budget without stopping
        the rest of the run.

        Example:
        | Set LLM Budget | 0.000001 | ledger_file=${OUTPUT_DIR}/budget-test.json |
        """
        if budget_usd < 0:
            raise LLMConfigurationError(f"budget_usd must be >= 0, got {budget_usd}.")
        self.state.use_ledger(ledger_file or self.state.ledger_file, budget_usd)
        logger.info(f"LLM budget set to ${budget_usd:.6f} (ledger {self.state.ledger.path}).")

    @keyword("Log LLM Run Cost")
    def log_llm_run_cost(self) -> str:
        """Writes the run's LLM spend to the console and the log, and returns the line.

        ``suites/llm/__init__.robot`` calls it as the teardown of the LLM suites. The totals come from the
        ledger shared by every process of the run, as spent up to that moment.

        Example:
        | Log LLM Run Cost |
        """
        totals = self.get_llm_run_spend()
        line = (
            f"LLM spend of this run: ${totals['real_usd']:.6f} in {int(totals['real_calls'])} real call(s) "
            f"({BUDGET_VARIABLE}=${totals['budget_usd']:.2f}); emulated calls would have cost "
            f"${totals['emulated_usd']:.6f} in {int(totals['emulated_calls'])} call(s)."
        )
        logger.console(line)
        logger.info(line)
        return line

    @keyword("Get LLM Price")
    def get_llm_price(self, model: str) -> dict[str, Any]:
        """Returns the price table row in effect for ``model``: dollars per 1M tokens, effective_from, source.

        Example:
        | ${price} = | Get LLM Price | gpt-4o-mini |
        | Should Be Equal As Numbers | ${price}[output_per_mtok] | 0.60 |
        """
        price = self.state.prices.find(model)
        if price is None:
            raise LLMError(f"Model '{model}' should have a price in {self.state.prices.path} but has none.")
        return {**price.__dict__, "effective_from": price.effective_from.isoformat()}
