"""Failures of the agent-system keywords: one clear line each, shown without the class name."""

from __future__ import annotations


class AgentSystemError(RuntimeError):
    """Something went wrong with the system under test or its adapter; the message says what."""

    ROBOT_SUPPRESS_NAME = True


class AgentSystemNotStarted(AgentSystemError):
    """A keyword needs a running agent system and the suite has none."""


class AdapterSelectionError(AgentSystemError):
    """``AGENT_SYSTEM`` names no usable adapter."""


class RunNotFound(AgentSystemError, LookupError):
    """The system does not know the run: lost, as far as the kit can tell (an adapter raises it from ``run``)."""
