"""The spend ledger adds up across processes and stops real calls at the budget."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from robot.api.types import Secret

from libraries.llm_library import LLMError
from libraries.llm_library.errors import LLMConfigurationError
from libraries.llm_library.ledger import SpendLedger, budget_from

WORKERS = 4
CHARGES = 50


def _charge_many(path: str) -> None:
    ledger = SpendLedger(path, budget_usd=100.0)
    for _ in range(CHARGES):
        ledger.charge(0.001, real=True)


def test_charges_from_parallel_processes_all_add_up(tmp_path: Path):
    path = str(tmp_path / "spend.json")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_charge_many, args=(path,)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * WORKERS
    totals = SpendLedger(path, 100.0).totals()
    assert totals["real_calls"] == WORKERS * CHARGES
    assert totals["real_usd"] == pytest.approx(WORKERS * CHARGES * 0.001)


def test_the_budget_refuses_once_reached(tmp_path: Path):
    ledger = SpendLedger(tmp_path / "spend.json", budget_usd=0.01)
    ledger.check_budget("a call")
    ledger.charge(0.01, real=True)
    with pytest.raises(LLMError, match=r"LLM budget reached: the run spent \$0.010000 of LLM_BUDGET_USD=\$0.010000"):
        ledger.check_budget("a call")


def test_emulated_spend_never_counts_against_the_budget(tmp_path: Path):
    ledger = SpendLedger(tmp_path / "spend.json", budget_usd=0.01)
    totals = ledger.charge(5.0, real=False)
    assert (totals["emulated_usd"], totals["emulated_calls"]) == (5.0, 1)
    assert (totals["real_usd"], totals["real_calls"]) == (0, 0)
    assert ledger.check_budget("a call") is None


@pytest.mark.parametrize(("value", "budget"), [(None, 1.0), ("", 1.0), ("2.5", 2.5), ("0", 0.0)])
def test_budget_setting(value, budget):
    assert budget_from(value) == budget


@pytest.mark.parametrize("value", ["lots", "-1"])
def test_a_bad_budget_names_the_variable(value):
    with pytest.raises(
        LLMConfigurationError, match=f"LLM_BUDGET_USD must be a number of US dollars >= 0, got '{value}'"
    ):
        budget_from(value)


def test_a_real_call_over_budget_is_never_sent(library, emulator_url, tmp_path: Path):
    library.set_llm_budget(0.0, ledger_file=str(tmp_path / "zero.json"))
    library.connect_to_llm("openai", api_key=Secret("sk-fake-budget"), base_url=f"{emulator_url}/v1", alias="real")
    library.connect_to_llm("openai", alias="emulated")
    with pytest.raises(LLMError, match="LLM budget reached"):
        library.ask_llm("hello", alias="real")
    assert library.ask_llm("hello", alias="emulated")
    assert library.get_llm_run_spend()["real_calls"] == 0


def test_the_run_wide_ledger_never_recreates_the_run_directory_after_the_run(tmp_path: Path):
    gone = tmp_path / "run-that-ended"
    ledger = SpendLedger(gone / "llm_spend.json", budget_usd=1.0, create_directory=False)
    with pytest.raises(LLMConfigurationError, match="is gone"):
        ledger.totals()
    assert not gone.exists()
