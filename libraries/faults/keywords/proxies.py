from __future__ import annotations

from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from libraries.services import runtime
from libraries.services.runtime import mask_url

from ..suite import current_or_none, release_current_suite
from .base import FaultsComponent, _service


class ProxyKeywords(FaultsComponent):
    """Fault proxies in front of the run's services, one set per suite."""

    @keyword("Create Fault Proxy")
    def create_fault_proxy(self, service: str, url: str | None = None) -> str:
        """Puts a proxy of this suite in front of ``service`` and returns ``url`` rewritten to go through it.

        ``service`` is ``postgres``, ``redis`` or ``llm``; ``url`` defaults to the run's URL of that service
        (``llm``: the emulator). Faults injected on ``service`` then hit only what connects through the returned
        URL. Calling it again returns the same proxy.

        Example:
        | ${url} =    `Create Fault Proxy`    redis
        | `Connect To Redis`    ${url}    alias=faulty
        """
        service = _service(service)
        endpoints = runtime.endpoints()
        default = {"postgres": endpoints.database_url, "redis": endpoints.redis_url}
        target = url or default.get(service) or endpoints.llm_emulator_url or ""
        proxied = self.faults.proxied_url(service, target)
        logger.info(
            f"Fault proxy {self.faults.proxy_name(service)} in front of {mask_url(target)}: {mask_url(proxied)}"
        )
        return proxied

    @keyword("Get Active Faults")
    def get_active_faults(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> list[str]:
        """The faults on this suite's proxies now: ``<service>: <toxic>`` and ``<service>: down``, sorted.

        Example:
        | `Get Active Faults`    ==    ${EMPTY LIST}
        | `Get Active Faults`    contains    redis: latency
        """
        faults = current_or_none()
        active: list[str] = []
        for service, proxy in faults.proxies.items() if faults else []:
            state = faults.client.get(proxy.name)
            active += [f"{service}: {toxic}" for toxic in state.toxics]
            active += [] if state.enabled else [f"{service}: down"]
        active.sort()
        logger.info(f"Active faults: {', '.join(active) or 'none'}")
        return verify_assertion(active, assertion_operator, assertion_expected, "Active faults", message)

    @keyword("Remove All Faults")
    def remove_all_faults(self) -> None:
        """Removes every fault of this suite's proxies and brings every service back; safe in any teardown.

        Example:
        | Test Teardown    `Remove All Faults`
        """
        faults = current_or_none()
        if faults is None:
            return
        removed = faults.remove_all_faults()
        logger.info(f"Removed {len(removed)} fault(s); every proxy of the suite is up.")

    @keyword("Remove Fault Proxies")
    def remove_fault_proxies(self) -> None:
        """Deletes this suite's proxies and stops its private servers; safe when there are none (suite teardown).

        Example:
        | Suite Teardown    `Remove Fault Proxies`
        """
        release_current_suite()
