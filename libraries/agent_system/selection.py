"""``AGENT_SYSTEM``: which adapter drives the system under test."""

from __future__ import annotations

import importlib
import re

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


def system_key(adapter: AgentSystemAdapter) -> str:
    """A file-system-safe name of the adapter's system, for what the kit keeps per system (load baselines): its
    built-in name (``reference``, ``langgraph``), else ``module:Class`` of the adapter as a lower-case slug
    (``my_team.adapters:MySystem`` -> ``my_team_adapters_mysystem``)."""
    target = f"{type(adapter).__module__}:{type(adapter).__qualname__}"
    built_in = {path: name for name, path in BUILT_IN.items()}
    return built_in.get(target) or re.sub(r"[^a-z0-9]+", "_", target.lower()).strip("_")
