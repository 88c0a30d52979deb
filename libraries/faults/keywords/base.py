"""What the fault keyword components share: the current suite's proxies and the run summary hook.

Each component is a `libraries.common.LibraryComponent` and needs nothing of the library object: the state they
work on is the current suite's (``suite.for_current_suite``), so ``self.library`` is typed ``object`` and they never
import the library class.
"""

from __future__ import annotations

from robot.api import logger

from libraries.common import LibraryComponent
from libraries.services.providers import LLM_PROVIDERS
from libraries.summary import facts

from ..suite import SuiteFaults, for_current_suite

SERVICE_NAMES = {"postgres": "PostgreSQL", "redis": "Redis", "llm": "the LLM API"} | {
    name: provider.title for name, provider in LLM_PROVIDERS.items()
}


class FaultsComponent(LibraryComponent[object]):
    @property
    def faults(self) -> SuiteFaults:
        return for_current_suite()

    def inject(self, service: str, fault: str, kind: str, stream: str, attributes: dict[str, int]) -> None:
        """Adds one toxic to every proxy of ``service``, logs it and records it for the run summary."""
        service = _service(service)
        for proxy in self.faults.targets(service):
            self.faults.client.add_toxic(proxy.name, fault, kind, stream, attributes)
        shown = ", ".join(f"{name}={value}" for name, value in attributes.items())
        logger.info(f"Fault on {SERVICE_NAMES.get(service, service)}: {fault} ({kind} {stream}{', ' + shown})")
        facts.add("faults", fault=fault, target=service, injected=1)

    def switch(self, service: str, enabled: bool) -> None:
        service = _service(service)
        for proxy in self.faults.targets(service):
            self.faults.client.set_enabled(proxy.name, enabled)
        logger.info(f"{SERVICE_NAMES.get(service, service)} is {'back' if enabled else 'down'} (fault proxy).")
        if not enabled:
            facts.add("faults", fault="down", target=service, injected=1)


def _service(service: str) -> str:
    name = service.strip().lower()
    aliases = {"postgresql": "postgres", "pg": "postgres", "the llm api": "llm"}
    return aliases.get(name, name)
