"""SLA thresholds written in business words: ``p95=500 ms``, ``error_rate=1 %``, ``throughput=20/s``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from robot.utils import timestr_to_secs

from .errors import SLAError
from .result import LoadResult

LATENCIES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
COUNTS = ("errors", "lost", "duplicated")
KNOWN = (*LATENCIES, "error_rate", "throughput", *COUNTS)


@dataclass(frozen=True)
class Threshold:
    name: str
    limit: float
    text: str

    def measure(self, result: LoadResult) -> tuple[float, str, bool]:
        """(value, value as text, holds) for ``result``."""
        if self.name in LATENCIES:
            value = result.percentile_ms(LATENCIES[self.name])
            return value, f"{value:g} ms", value <= self.limit
        if self.name == "error_rate":
            return result.error_rate, f"{result.error_rate * 100:.2f} %", result.error_rate <= self.limit
        if self.name == "throughput":
            return result.throughput, f"{result.throughput:.1f}/s", result.throughput >= self.limit
        value = result.errors if self.name == "errors" else result.extra.get(self.name, 0)
        return value, str(value), value <= self.limit


def parse(name: str, text: str) -> Threshold:
    """One threshold; a value that does not fit its name fails in one line naming the threshold."""
    key = name.strip().lower()
    raw = str(text).strip()
    try:
        if key in LATENCIES:
            return Threshold(key, timestr_to_secs(raw) * 1000, f"<= {raw}")
        if key == "error_rate":
            return Threshold(key, _fraction(raw), f"<= {raw}")
        if key == "throughput":
            return Threshold(key, _per_second(raw), f">= {raw}")
        if key in COUNTS:
            return Threshold(key, int(raw), f"<= {raw}")
    except ValueError:
        pass
    else:
        raise SLAError(f"Unknown SLA threshold '{name}': use {', '.join(KNOWN)}.")
    raise SLAError(f"SLA threshold {name}={raw} is not valid: {_EXAMPLES.get(key, '')}")


_EXAMPLES = {
    **dict.fromkeys(LATENCIES, "give a duration such as 500 ms or 1.5 s."),
    "error_rate": "give a percentage such as 1 % (or a fraction such as 0.01).",
    "throughput": "give operations per time such as 20/s or 600/min.",
    **dict.fromkeys(COUNTS, "give a whole number such as 0."),
}


def _fraction(text: str) -> float:
    if text.endswith("%"):
        return float(text[:-1].strip()) / 100
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


def _per_second(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)\s*(?:/|per)\s*(s|sec|second|min|minute)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) / (60 if match.group(2).startswith("min") else 1)


def violations(result: LoadResult, thresholds: list[Threshold]) -> list[str]:
    failed = []
    for threshold in thresholds:
        _, shown, holds = threshold.measure(result)
        if not holds:
            failed.append(f"{threshold.name} {shown} (SLA {threshold.text})")
    return failed
