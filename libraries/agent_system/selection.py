"""``AGENT_SYSTEM``: which adapter drives the system under test."""

from __future__ import annotations

import importlib

from .contract import AgentSystemAdapter
from .errors import AdapterSelectionError

SETTING = "AGENT_SYSTEM"
BUILT_IN = {
    "reference": "libraries.agent_system.reference:ReferenceAdapter",
    "langgraph": "examples.langgraph.adapter:LangGraphAdapter",
    "plain_sdk": "examples.plain_sdk.adapter:PlainSdkAdapter",
}


def load_adapter(choice: str | None) -> AgentSystemAdapter:
    """``reference`` (default), another built-in name, or ``package.module:ClassName``."""
    name = (choice or "reference").strip()
    target = BUILT_IN.get(name, name)
    module_name, _, class_name = target.partition(":")
    hint = f"Use {', '.join(BUILT_IN)} or package.module:ClassName."
    if not module_name or not class_name:
        raise AdapterSelectionError(f"{SETTING}: '{name}' is neither a built-in adapter nor module:Class. {hint}")
    try:
        adapter_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise AdapterSelectionError(f"{SETTING}: cannot load '{name}' ({error}). {hint}") from None
    if not (isinstance(adapter_class, type) and issubclass(adapter_class, AgentSystemAdapter)):
        raise AdapterSelectionError(
            f"{SETTING}: '{name}' is not an AgentSystemAdapter (libraries.agent_system.contract). {hint}"
        )
    return adapter_class()
