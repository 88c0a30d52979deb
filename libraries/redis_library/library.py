from __future__ import annotations

from datetime import timedelta

from robotlibcore import DynamicCore

from libraries.common import ConnectionStore, renamed_argument, seconds

from .connection import DEFAULT_ALIAS, RedisConnection
from .errors import RedisLibraryError
from .keywords.atomicity import AtomicityKeywords
from .keywords.connections import ConnectionKeywords
from .keywords.hashes import HashKeywords
from .keywords.health import HealthKeywords
from .keywords.keys import KeyKeywords
from .keywords.lists import ListKeywords
from .keywords.locks import LockKeywords
from .keywords.pubsub import PubSubKeywords
from .keywords.streams import StreamKeywords
from .keywords.strings import StringKeywords

__version__ = "1.0.0"


class RedisLibrary(DynamicCore):
    """Keywords to prove, against a real Redis server, that an application keeps its state, queues and locks right.

    = Table of contents =

    %TOC%

    = Connections =

    `Connect To Redis` connects to the run's server (``REDIS_URL``, or the embedded server the run started);
    `Connect To Redis From URL` to any other. Each connection has an alias (``default`` when omitted); every
    keyword takes ``alias`` as its last argument and uses the current connection without it (see
    `Switch Redis Connection`). `Disconnect From All Redis` never fails and belongs in a suite teardown.
    URLs are logged with their password masked; a URL or password may be given as a ``Secret``.

    = Timeouts and retries =

    A server that stops answering must fail a keyword, not hang the run. Every command waits at most
    ``socket_timeout`` for an answer and a connect at most ``socket_connect_timeout``. A dropped connection is
    reconnected up to ``max_retries`` times; a command that timed out is never sent again. Set them for the whole
    library at import, or per connection:

    | Library | libraries.redis_library.RedisLibrary | socket_timeout=2 s | max_retries=0 |

    The names follow one vocabulary: ``timeout`` bounds one operation (a pop, a stream read, taking a lock, and
    the wait of every ``Wait Until …`` keyword), ``retry_timeout`` is how long a getter or check keeps polling
    until its assertion holds, ``max_retries`` counts retries after the first attempt.

    = Namespaces =

    Every key a keyword touches gets the suite's namespace as a prefix, so suites running in parallel on one
    server never see each other's keys. Tests, logs and failures use the key as written: ``agent:1:status``.
    Pub/sub channels, lock names and the ``KEYS`` of scripts are prefixed too. ``prefix=${EMPTY}`` on connect
    gives raw access to the whole database; `Get Redis Key Prefix` shows the prefix in use.

    = Assertions =

    Getters such as `Get Redis Value`, `Get Hash Field` and `Get TTL` return the value and can assert it inline
    with an operator, an expected value and an optional ``message`` that replaces the failure text:

    | `Get Redis Value`    agent:1:status    ==    running
    | `Get TTL`    agent:1    <=    10 s

    With ``retry_timeout`` the value is read again until the assertion holds or the time is up, instead of a
    sleep; then the keyword fails with the last mismatch and how long it waited. Without it, a getter uses the
    library's ``retry_timeout`` (import argument, ``0``: no polling). Durations (TTL, latency) are seconds as
    numbers; expected durations may be written ``500 ms``. A missing key fails with its name and the expectation.

    = Pipelines and transactions =

    After `Start Redis Pipeline` or `Start Redis Transaction`, write keywords on that connection are queued and
    `Execute Redis Pipeline` sends them and returns their results. `Watch Redis Keys` makes the next transaction
    write nothing if a watched key changed. `Update Redis Value Optimistically` does the whole read-compute-write
    loop and reports its retries.

    = Logging =

    Each keyword logs one INFO line: the command, the key as written and a shortened value. Values are logged
    as plain text, so the log shows server content escaped.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(
        self,
        socket_timeout: timedelta = timedelta(seconds=5),
        socket_connect_timeout: timedelta = timedelta(seconds=5),
        max_retries: int = 1,
        retry_timeout: timedelta = timedelta(0),
        *,
        retries: int | None = None,
    ) -> None:
        """``socket_timeout`` bounds the wait for each answer, ``socket_connect_timeout`` each connect,
        ``max_retries`` the reconnects after a dropped connection, ``retry_timeout`` the default time getters keep
        retrying an assertion. Each can be overridden per connection or per keyword.

        ``retries`` is the deprecated name of ``max_retries`` (same meaning and value), kept so that existing
        imports keep working.
        """
        self.socket_timeout = seconds(socket_timeout)
        self.socket_connect_timeout = seconds(socket_connect_timeout)
        self.max_retries = renamed_argument("RedisLibrary import", "retries", retries, "max_retries", max_retries)
        self.retry_timeout = seconds(retry_timeout)
        self.connections: ConnectionStore[RedisConnection] = ConnectionStore(
            "No Redis connection with alias '{alias}' (open: {open}). Run Connect To Redis first.",
            "Redis connection alias '{alias}' was open; it was closed and replaced.",
            error=RedisLibraryError,
            default_alias=DEFAULT_ALIAS,
            switch_to_new=False,
            sort_open=True,
        )
        components = [
            ConnectionKeywords(self),
            StringKeywords(self),
            HashKeywords(self),
            KeyKeywords(self),
            AtomicityKeywords(self),
            ListKeywords(self),
            StreamKeywords(self),
            PubSubKeywords(self),
            LockKeywords(self),
            HealthKeywords(self),
        ]
        super().__init__(components)
