from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import LLMConfigurationError
from ..state import LLMState


class LibraryComponent:
    """One keyword area; every component reads and changes the same LLMState."""

    def __init__(self, state: LLMState) -> None:
        self.state = state


def load_json_argument(value: Any, name: str) -> Any:
    """A dict/list as is, a JSON string, or the path of a .json file."""
    if isinstance(value, (dict, list)):
        return value
    text = str(value)
    if text.endswith(".json") and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as error:
        raise LLMConfigurationError(
            f"{name} must be a dictionary, a JSON string or the path of a .json file, got '{text[:80]}' ({error})."
        ) from None
