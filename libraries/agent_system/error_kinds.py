"""Reading the error kind out of a system's error text, for adapters whose system reports errors as words.

Both example systems beside the kit word a provider's failure as ``<Provider> answered <status> <phrase>``; an
adapter for a system that stores the kind itself maps it directly and needs none of this.
"""

from __future__ import annotations

import re

from .contract import ErrorKind, RunError

PROVIDERS = {"openai": "openai", "anthropic": "anthropic"}
ANSWERED = re.compile(r"\b(OpenAI|Anthropic) answered (\d{3})\b")
PROVIDER_NAMED = re.compile(r"\b(OpenAI|Anthropic)\b")

PHRASES: tuple[tuple[str, str], ...] = (
    ("dead-lettered", ErrorKind.DEAD_LETTERED),
    ("deadline", ErrorKind.DEADLINE),
    ("budget", ErrorKind.BUDGET),
    ("cancelled", ErrorKind.CANCELLED),
    ("did not answer within", ErrorKind.TIMEOUT),
    ("could not be reached", ErrorKind.UNREACHABLE),
    ("truncated", ErrorKind.INVALID_ANSWER),
    ("schema", ErrorKind.INVALID_ANSWER),
    ("not valid JSON", ErrorKind.INVALID_ANSWER),
    ("unknown tool", ErrorKind.INVALID_ANSWER),
)
"""Words of an error text and the kind they mean, the first found wins: a dead-lettered step's text also quotes
its last error, which is not why the run failed."""


def error_from_text(text: str | None) -> RunError | None:
    """The `RunError` a system's error text describes; kind ``unknown`` when the text names none."""
    if text is None:
        return None
    answered = ANSWERED.search(text)
    for phrase, kind in PHRASES:
        if phrase in text and (kind == ErrorKind.DEAD_LETTERED or answered is None):
            return RunError(kind, text, _provider(text))
    if answered:
        status = int(answered.group(2))
        return RunError(ErrorKind.of_status(status), text, answered.group(1).lower(), status)
    return RunError(ErrorKind.UNKNOWN, text, _provider(text))


def _provider(text: str) -> str | None:
    named = PROVIDER_NAMED.search(text)
    return named.group(1).lower() if named else None
