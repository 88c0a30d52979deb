from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from libraries.common import LibraryComponent

from ..errors import LLMConfigurationError
from ..state import LLMState

REPO_ROOT = Path(__file__).resolve().parents[3]


class LLMLibraryState(Protocol):
    """What the components use of `LLMLibrary`: the one state they all read and change."""

    state: LLMState


class LLMComponent(LibraryComponent[LLMLibraryState]):
    @property
    def state(self) -> LLMState:
        return self.library.state


def load_json_argument(value: Any, name: str) -> Any:
    """A dict/list as is, a JSON string, or the path of a .json file."""
    if isinstance(value, (dict, list)):
        return value
    text = str(value)
    if text.endswith(".json"):
        path = next((p for p in (Path(text), REPO_ROOT / text) if p.is_file()), None)
        if path is None:
            raise LLMConfigurationError(f"{name} file '{text}' does not exist (relative paths start at the repo root).")
        text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as error:
        raise LLMConfigurationError(
            f"{name} must be a dictionary, a JSON string or the path of a .json file, got '{text[:80]}' ({error})."
        ) from None


def integer_expected(value: Any) -> Any:
    """An expected count given as text in Robot data (``== 3``) as an int; anything else (``validate``) as is."""
    return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else value
