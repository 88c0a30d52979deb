"""The store of aliased connections every library uses: Robot Framework's ``ConnectionCache`` and a little more."""

from __future__ import annotations

from typing import TypeVar

from robot.api import logger
from robot.utils import ConnectionCache
from robot.utils.connectioncache import NoConnection

C = TypeVar("C")


class ConnectionStore(ConnectionCache[C]):
    """Robot Framework's ``ConnectionCache`` with what the libraries' connection keywords need on top.

    Connections are found by alias (case and space insensitive) or by 1-based index, as in ``ConnectionCache``.
    On top of it:

    - the current connection is remembered by alias: ``current_alias`` (``default_alias`` at first and after
      ``close_all``) may name a connection that is not open yet, or no longer, and lookups without an alias
      use it;
    - ``register`` of an alias that is open closes the old connection, with the ``replaced`` warning, and puts
      the new one in its place;
    - ``close`` closes and forgets one connection;
    - a failed lookup raises ``error`` with the ``missing`` message.

    ``missing`` and ``replaced`` are ``str.format`` templates: ``{alias}`` is the alias asked for, ``{open}`` the
    open aliases (``none`` when there are none), in index order or, with ``sort_open``, alphabetically. With
    ``switch_to_new`` a newly registered connection becomes the current one; without, the current alias stays
    as it is until ``switch``.
    """

    def __init__(
        self,
        missing: str,
        replaced: str,
        *,
        error: type[Exception] = RuntimeError,
        default_alias: str = "default",
        switch_to_new: bool = True,
        sort_open: bool = False,
    ) -> None:
        self.missing = missing
        self.replaced = replaced
        self.error = error
        self.default_alias = default_alias
        self.current_alias = default_alias
        self.switch_to_new = switch_to_new
        self.sort_open = sort_open
        super().__init__()

    @property
    def current(self) -> C | NoConnection:
        """The connection ``current_alias`` names, or ``ConnectionCache``'s no-connection marker when none is open."""
        index = self._aliases.get(self.current_alias)
        return self._connections[index - 1] if index else self._no_current

    @current.setter
    def current(self, connection: C | NoConnection) -> None:
        if isinstance(connection, NoConnection):
            self.current_alias = self.default_alias
        else:
            index = next(i for i, open_one in enumerate(self._connections, 1) if open_one is connection)
            self.current_alias = self.aliases()[index - 1]

    def register(self, connection: C, alias: str | None = None) -> int:
        """Adds ``connection`` as ``alias`` (``default_alias`` when not given) and returns its index.

        An open connection with the same alias is closed, with a warning, and the new one takes its index.
        """
        alias = alias or self.default_alias
        index = self._aliases.get(alias)
        if index is None:
            self._connections.append(connection)
            index = len(self._connections)
            old = None
        else:
            old, self._connections[index - 1] = self._connections[index - 1], connection
            del self._aliases[alias]
        self._aliases[alias] = index
        if self.switch_to_new:
            self.current_alias = alias
        if old is not None:
            logger.warn(self.replaced.format(alias=alias))
            old.close()
        return index

    def get_connection(self, identifier: int | str | C | None = None) -> C:
        """The connection with this alias or index (the current one when ``None`` or empty), else ``error``."""
        name = self.current_alias if identifier is None or identifier == "" else identifier
        try:
            return self._connections[self.get_connection_index(name) - 1]
        except ValueError:
            aliases = sorted(self.aliases()) if self.sort_open else self.aliases()
            raise self.error(self.missing.format(alias=name, open=", ".join(aliases) or "none")) from None

    __getitem__ = get_connection

    def close(self, identifier: int | str | C | None = None) -> C | None:
        """Closes and forgets the connection with this alias or index (the current one when ``None`` or empty).

        Returns it, or ``None`` when it was not open. It is forgotten even if closing it fails. The connections
        opened after it move down one index; the current alias does not change.
        """
        name = self.current_alias if identifier is None or identifier == "" else identifier
        try:
            index = self.get_connection_index(name)
        except ValueError:
            return None
        connection = self._connections.pop(index - 1)
        for alias, position in list(self._aliases.items()):
            if position == index:
                del self._aliases[alias]
            elif position > index:
                self._aliases[alias] = position - 1
        connection.close()
        return connection

    def aliases(self) -> list[str]:
        """The aliases of the open connections, in index order."""
        by_index: dict[int, str] = {index: alias for alias, index in self._aliases.items()}
        return [by_index[index] for index in sorted(by_index)]
