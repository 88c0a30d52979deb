"""Run-wide services: resolution, embedded servers, per-suite namespaces.

Robot Framework imports the keyword library as ``libraries.services.ServicesLibrary``; other keyword libraries read
the resolved services through ``libraries.services.runtime``. This package stays import-light: the supervisor
process imports it on every run, so ``ServicesLibrary`` is re-exported from ``library.py`` only when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .library import ServicesLibrary

__all__ = ["ServicesLibrary"]


def __getattr__(name: str) -> Any:
    if name == "ServicesLibrary":
        from .library import ServicesLibrary

        return ServicesLibrary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
