"""Skipping a test whose tags name a capability the system under test lacks, before any of it runs.

A test tagged ``needs:<capability>`` (``needs:kill_worker``, ``needs:cached_state`` ...) is skipped in its setup,
before it scripts or submits anything, when the adapter does not list that capability. The adapter page's table of
which capability gates which test is made from these tags.
"""

from __future__ import annotations

from typing import Any

from .contract import AgentSystemAdapter, declared_capabilities

NEEDS = "needs:"


def needed_capabilities(tags: Any) -> list[str]:
    """The capabilities a test's tags say it needs."""
    return sorted(str(tag)[len(NEEDS) :] for tag in tags if str(tag).startswith(NEEDS))


def missing_capabilities(adapter: AgentSystemAdapter, tags: Any) -> list[str]:
    has = declared_capabilities(adapter)[0]
    return [capability for capability in needed_capabilities(tags) if capability not in has]


class CapabilityGate:
    """The library's listener: replaces the setup of a test that needs a missing capability by a skip."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, library: Any) -> None:
        self.library = library

    def start_test(self, data: Any, result: Any) -> None:
        adapter = self.library.adapter
        if adapter is None:
            return
        missing = missing_capabilities(adapter, data.tags)
        if missing:
            named = ", ".join(f"'{capability}'" for capability in missing)
            reason = f"{adapter.name} cannot run this test: the adapter lacks capability {named} (tags {NEEDS}...)."
            data.setup.config(name="BuiltIn.Skip", args=(reason,))
