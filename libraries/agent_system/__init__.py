"""Agent-system keywords and the adapters they drive."""

from .errors import AdapterSelectionError, AgentSystemError, AgentSystemNotStarted
from .library import AgentSystemLibrary

__all__ = ["AdapterSelectionError", "AgentSystemError", "AgentSystemLibrary", "AgentSystemNotStarted"]
