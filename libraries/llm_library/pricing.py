"""Token usage normalised across providers, and what it costs according to the price table."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import LLMConfigurationError

DEFAULT_PRICE_TABLE = Path(__file__).resolve().parents[2] / "resources" / "llm" / "prices.csv"
_PER_TOKEN = 1_000_000


@dataclass(frozen=True)
class Usage:
    """Tokens of one call. ``input_tokens`` counts every prompt token, cached ones included."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0

    @property
    def uncached_input_tokens(self) -> int:
        return self.input_tokens - self.cached_input_tokens - self.cache_write_tokens

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def usage_from_openai(usage: Any) -> Usage:
    """OpenAI's ``prompt_tokens`` already includes ``prompt_tokens_details.cached_tokens``."""
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
    return Usage(
        input_tokens=usage.prompt_tokens or 0,
        cached_input_tokens=cached,
        output_tokens=usage.completion_tokens or 0,
    )


def usage_from_anthropic(usage: Any) -> Usage:
    """Anthropic's ``input_tokens`` excludes cache reads and cache writes: add them back."""
    if usage is None:
        return Usage()
    uncached = getattr(usage, "input_tokens", None) or 0
    read = getattr(usage, "cache_read_input_tokens", None) or 0
    written = getattr(usage, "cache_creation_input_tokens", None) or 0
    return Usage(
        input_tokens=uncached + read + written,
        cached_input_tokens=read,
        cache_write_tokens=written,
        output_tokens=getattr(usage, "output_tokens", None) or 0,
    )


@dataclass(frozen=True)
class Price:
    provider: str
    model: str
    input_per_mtok: float
    cached_input_per_mtok: float
    cache_write_per_mtok: float
    output_per_mtok: float
    effective_from: date
    source: str

    def cost(self, usage: Usage) -> float:
        dollars = (
            usage.uncached_input_tokens * self.input_per_mtok
            + usage.cached_input_tokens * self.cached_input_per_mtok
            + usage.cache_write_tokens * self.cache_write_per_mtok
            + usage.output_tokens * self.output_per_mtok
        )
        return dollars / _PER_TOKEN


class PriceTable:
    """Rows of ``resources/llm/prices.csv``; the newest row in effect wins for a model."""

    def __init__(self, prices: list[Price], path: Path | str = "") -> None:
        self.prices = prices
        self.path = str(path)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PRICE_TABLE) -> PriceTable:
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                return cls([_price(row, line) for line, row in enumerate(csv.DictReader(handle), start=2)], path)
        except OSError as error:
            raise LLMConfigurationError(
                f"Price table '{path}' cannot be read ({error.strerror}): pass price_table= an existing CSV."
            ) from None

    def find(self, model: str, on: date | None = None) -> Price | None:
        """The row for ``model``, or for the longest model name that ``model`` starts with (dated ids)."""
        on = on or date.today()
        candidates = [p for p in self.prices if _names(model, p.model) and p.effective_from <= on]
        if not candidates:
            return None
        return max(candidates, key=lambda p: (len(p.model), p.effective_from))

    def cost(self, model: str, usage: Usage) -> float | None:
        price = self.find(model)
        return price.cost(usage) if price else None


def _names(model: str, table_model: str) -> bool:
    return model == table_model or model.startswith(f"{table_model}-")


def _price(row: dict[str, str], line: int) -> Price:
    try:
        return Price(
            provider=row["provider"].strip(),
            model=row["model"].strip(),
            input_per_mtok=float(row["input_per_mtok"]),
            cached_input_per_mtok=float(row["cached_input_per_mtok"] or row["input_per_mtok"]),
            cache_write_per_mtok=float(row["cache_write_per_mtok"] or row["input_per_mtok"]),
            output_per_mtok=float(row["output_per_mtok"]),
            effective_from=date.fromisoformat(row["effective_from"].strip()),
            source=row["source"].strip(),
        )
    except (KeyError, ValueError, AttributeError) as error:
        raise LLMConfigurationError(
            f"Price table line {line} is invalid ({error}): expected columns provider, model, input_per_mtok, "
            "cached_input_per_mtok, cache_write_per_mtok, output_per_mtok, effective_from (YYYY-MM-DD), source."
        ) from None
