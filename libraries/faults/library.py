"""Fault keywords: latency, resets, blackholes, outages and restarts between a suite's system and its services."""

from __future__ import annotations

from robotlibcore import DynamicCore

from .keywords.faults import FaultKeywords
from .keywords.proxies import ProxyKeywords

__version__ = "1.0.0"


class FaultsLibrary(DynamicCore):
    """Network faults between the system under test and PostgreSQL, Redis or the LLM API, through fault proxies.

    = Table of contents =

    %TOC%

    = Where the faults happen =

    Every suite gets its own proxies (named after its namespace) on one fault proxy server per run: the kit's own
    asyncio proxy that speaks Toxiproxy's HTTP API, started with the run's other servers when a selected suite
    imports ``keywords/faults.resource``. With ``TOXIPROXY_URL`` set (Robot variable or environment), the same
    keywords drive that Toxiproxy instead and the run starts no proxy server.

    ``Start Agent System    through_fault_proxy=${True}`` puts proxies in front of the system's PostgreSQL, Redis
    and LLM base URLs, so a fault hits that suite's system only; the kit's own keywords keep the direct URLs.
    `Create Fault Proxy` puts one in front of any service for other clients.

    = Services =

    | =Name=       | =What=                                                                |
    | ``postgres`` | the run's PostgreSQL                                                  |
    | ``redis``    | the run's Redis, or the suite's private one                           |
    | ``llm``      | the OpenAI and Anthropic base URLs (the emulator; HTTPS endpoints are not proxied) |

    = Clean-up =

    `Remove All Faults` (test teardown) removes every fault of the suite and brings its services back;
    `Remove Fault Proxies` (suite teardown) deletes the suite's proxies. Each injected fault is counted in the
    run summary's *faults* section.
    """

    ROBOT_LIBRARY_SCOPE = "SUITE"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(self) -> None:
        DynamicCore.__init__(self, [ProxyKeywords(self), FaultKeywords(self)])
