"""The run's LLM spend, shared by every process of the run through a locked file."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import LLMBudgetExceeded, LLMConfigurationError

DEFAULT_BUDGET_USD = 1.0
BUDGET_VARIABLE = "LLM_BUDGET_USD"
LEDGER_FILE_NAME = "llm_spend.json"


def budget_from(value: str | float | None) -> float:
    """``LLM_BUDGET_USD`` as a number of dollars; the default when unset."""
    if value is None or value == "":
        return DEFAULT_BUDGET_USD
    try:
        budget = float(value)
    except ValueError:
        budget = -1.0
    if budget < 0:
        raise LLMConfigurationError(
            f"{BUDGET_VARIABLE} must be a number of US dollars >= 0, got '{value}': e.g. {BUDGET_VARIABLE}=2.50."
        )
    return budget


class SpendLedger:
    """``{"real_usd": .., "real_calls": .., "emulated_usd": .., "emulated_calls": ..}`` in one JSON file.

    Every read-modify-write holds an exclusive ``fcntl`` lock on ``<file>.lock``, so pabot workers add up.
    """

    def __init__(self, path: Path | str, budget_usd: float, *, create_directory: bool = True) -> None:
        """``create_directory=False`` for the run-wide ledger: its directory is the run's, removed when the run
        ends, and re-creating it would leave a directory behind that no run owns."""
        self.path = Path(path)
        self.budget_usd = budget_usd
        self.create_directory = create_directory

    def totals(self) -> dict[str, float]:
        with self._locked() as totals:
            return dict(totals)

    def check_budget(self, what: str) -> None:
        spent = self.totals()["real_usd"]
        if spent >= self.budget_usd:
            raise LLMBudgetExceeded(
                f"LLM budget reached: the run spent ${spent:.6f} of {BUDGET_VARIABLE}=${self.budget_usd:.6f}, "
                f"so {what} was not sent. Raise {BUDGET_VARIABLE} to allow more real calls."
            )

    def charge(self, cost_usd: float, *, real: bool) -> dict[str, float]:
        kind = "real" if real else "emulated"
        with self._locked(write=True) as totals:
            totals[f"{kind}_usd"] += cost_usd
            totals[f"{kind}_calls"] += 1
            return dict(totals)

    @contextmanager
    def _locked(self, write: bool = False) -> Iterator[dict[str, float]]:
        if self.create_directory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.parent.is_dir():
            raise LLMConfigurationError(
                f"The run's directory {self.path.parent} is gone, so the shared LLM spend cannot be read: the run's "
                "services were stopped before this keyword ran. Call it before Tear Down Run Services."
            )
        with open(f"{self.path}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                totals = self._read()
                yield totals
                if write:
                    temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
                    temporary.write_text(json.dumps(totals), encoding="utf-8")
                    temporary.replace(self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, float]:
        totals = {"real_usd": 0.0, "real_calls": 0, "emulated_usd": 0.0, "emulated_calls": 0}
        if self.path.exists():
            totals.update(json.loads(self.path.read_text(encoding="utf-8") or "{}"))
        return totals
