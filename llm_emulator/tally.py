"""What the calls of each scope came to: calls, tokens and faults per provider and model."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

SCOPE_SEPARATOR = "@"


@dataclass
class Figures:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    faults: int = 0
    """Calls that met a scripted fault (an error status, a delay, a broken stream or tool call) or any error."""


class Tally:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._figures: dict[str, dict[tuple[str, str], Figures]] = {}

    def add(self, wire_model: str, provider: str, *, tokens: tuple[int, int], faulted: bool) -> None:
        """Counts one call whose model was sent as ``<model>@<scope>``; calls without a scope are not counted."""
        model, separator, scope = wire_model.partition(SCOPE_SEPARATOR)
        if not separator or not scope:
            return
        with self._lock:
            figures = self._figures.setdefault(scope, {}).setdefault((provider, model), Figures())
            figures.calls += 1
            figures.input_tokens += tokens[0]
            figures.output_tokens += tokens[1]
            figures.faults += int(faulted)

    def rows(self, scope: str) -> list[dict[str, Any]]:
        with self._lock:
            found = sorted(self._figures.get(scope, {}).items())
            return [{"provider": provider, "model": model, **asdict(f)} for (provider, model), f in found]
