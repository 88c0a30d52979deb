"""The one component base: a keyword area of a library, as robotlibcore's DynamicCore collects them."""

from __future__ import annotations

from datetime import timedelta
from typing import Generic, Protocol, TypeVar

from .polling import DEFAULT_PAUSE

LibraryT = TypeVar("LibraryT", covariant=True)


class LibraryComponent(Generic[LibraryT]):
    """One keyword area of a library: its ``@keyword`` methods are handed to DynamicCore by the library class.

    ``library`` is the library that holds the component. Its type is a small ``typing.Protocol`` naming only what the
    component uses, defined next to the components; never the library's class, whose module imports every
    component and would close an import circle. ``retry_pause`` is the pause, in seconds, between two tries of a
    getter made with `with_assertion_polling`.
    """

    retry_pause: float = DEFAULT_PAUSE

    def __init__(self, library: LibraryT) -> None:
        self.library = library


class PollingLibrary(Protocol):
    """What `with_assertion_polling` needs of a library: how long getters keep polling when not told."""

    @property
    def retry_timeout(self) -> timedelta | float: ...
