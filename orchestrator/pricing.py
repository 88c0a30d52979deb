"""USD per million tokens, by model; a model matches its longest known prefix (``gpt-4o-mini-2024-07-18``,
``claude-haiku-4-5@20251001``). Unknown models cost 0."""

from __future__ import annotations

PER_MILLION = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-5-mini": (0.25, 2.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
}


def price_of(model: str) -> tuple[float, float] | None:
    known = [name for name in PER_MILLION if model.startswith(name)]
    return PER_MILLION[max(known, key=len)] if known else None


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    price = price_of(model)
    if price is None:
        return 0.0
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000
