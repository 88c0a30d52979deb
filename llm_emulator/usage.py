"""Token counts read from an emulated answer: one JSON document, or the events of a server-sent stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

INPUT_NAMES = ("prompt_tokens", "input_tokens")
OUTPUT_NAMES = ("completion_tokens", "output_tokens")


def tokens_of(body: bytes, *, streamed: bool) -> tuple[int, int]:
    """(input tokens, output tokens) the answer reports; 0 for what it does not say.

    A stream repeats or completes its figures across events (Anthropic: input in ``message_start``, output in
    ``message_delta``; OpenAI: one closing chunk when usage was asked for), so the largest of each counts.
    """
    input_tokens = output_tokens = 0
    for usage in _usages(_documents(body, streamed=streamed)):
        input_tokens = max(input_tokens, _first_number(usage, INPUT_NAMES))
        output_tokens = max(output_tokens, _first_number(usage, OUTPUT_NAMES))
    return input_tokens, output_tokens


def _documents(body: bytes, *, streamed: bool) -> Iterator[Any]:
    texts = (
        (line[5:].strip() for line in body.decode(errors="replace").splitlines() if line.startswith("data:"))
        if streamed
        else [body.decode(errors="replace")]
    )
    for text in texts:
        if not text or text == "[DONE]":
            continue
        try:
            yield json.loads(text)
        except ValueError:
            continue


def _usages(documents: Iterator[Any]) -> Iterator[dict[str, Any]]:
    for document in documents:
        if not isinstance(document, dict):
            continue
        for holder in (document, document.get("message"), document.get("response")):
            if isinstance(holder, dict) and isinstance(holder.get("usage"), dict):
                yield holder["usage"]


def _first_number(usage: dict[str, Any], names: tuple[str, ...]) -> int:
    for name in names:
        value = usage.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0
