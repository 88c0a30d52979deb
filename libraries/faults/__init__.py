"""Fault keywords (``Library    libraries.faults.FaultsLibrary``) and their client of Toxiproxy's HTTP API.

The keywords drive the run's fault proxy server (the kit's ``fault_proxy`` program, started with the run's other
servers by ``libraries.services``) or, with ``TOXIPROXY_URL`` set, a real Toxiproxy.
"""

from .errors import FaultProxyError, FaultsError
from .library import FaultsLibrary

__all__ = ["FaultProxyError", "FaultsError", "FaultsLibrary"]
