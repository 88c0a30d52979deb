"""Failures of the fault keywords and of the fault proxy server they drive (the kit's or a configured Toxiproxy)."""

from __future__ import annotations


class FaultsError(RuntimeError):
    """Something went wrong in the fault keywords or the fault proxy; the message says what."""

    ROBOT_SUPPRESS_NAME = True


class FaultProxyError(FaultsError):
    """The fault proxy (ours or a configured Toxiproxy) could not be started, reached or used."""
