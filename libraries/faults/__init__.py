"""Fault keywords (``Library    libraries.faults.FaultsLibrary``) and a small TCP fault proxy that speaks Toxiproxy
2.x's HTTP API.

Run the proxy with ``python -m libraries.faults.proxy_server``; start it from Python with
``libraries.faults.launcher.FaultProxyServer``. Any Toxiproxy client (``toxiproxy-python``, the Go client, curl)
drives it; a team with a real Toxiproxy points ``TOXIPROXY_URL`` at that one instead. The proxy process imports
this package, so ``FaultsLibrary`` is re-exported from ``library.py`` only when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import FaultProxyError, FaultsError

if TYPE_CHECKING:
    from .library import FaultsLibrary

__all__ = ["FaultProxyError", "FaultsError", "FaultsLibrary"]


def __getattr__(name: str) -> Any:
    if name == "FaultsLibrary":
        from .library import FaultsLibrary

        return FaultsLibrary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
