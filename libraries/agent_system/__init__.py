"""Agent-system keywords and the adapters they drive."""

from .library import AgentSystemLibrary

__all__ = ["AgentSystemLibrary"]
