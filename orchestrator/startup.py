"""Starting a system's parts: the preflight (both stores reachable, schema and consumer groups in place) and the API."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import psycopg_pool
import redis

from . import store as store_module
from .processes import mask_url
from .queues import Queues
from .settings import Settings, SettingsError
from .store import CONNECT_TIMEOUT_S, Store


def preflight(settings: Settings) -> None:
    """Reaches both stores and creates the schema and the consumer groups; one clear line when it cannot."""
    store = Store(settings)
    try:
        psycopg.connect(settings.database_url, connect_timeout=CONNECT_TIMEOUT_S).close()  # fails fast, unlike a pool
        store.open()
        store.migrate()
        with store.transaction() as db:
            nothing_outstanding = not store_module.outstanding_work(db)
    except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
        raise SettingsError(
            f"ORCH_DATABASE_URL: PostgreSQL at {mask_url(settings.database_url)} is not usable "
            f"({type(error).__name__}). Start it or fix ORCH_DATABASE_URL / ORCH_SCHEMA."
        ) from None
    finally:
        store.close()
    queues = Queues(settings)
    try:
        queues.ensure_groups()
        if nothing_outstanding and not queues.has_epoch():
            # A new system: the streams hold all there is. With work outstanding and no epoch, Redis may have lost
            # data while the system was down, so the epoch stays unset and the reconciler publishes that work again.
            queues.set_epoch()
    except redis.RedisError as error:
        raise SettingsError(
            f"ORCH_REDIS_URL: Redis at {mask_url(settings.redis_url)} is not usable ({type(error).__name__}: "
            f"{str(error)[:120]}). Start it or fix ORCH_REDIS_URL."
        ) from None
    finally:
        queues.close()


def serve_api(settings: Settings, host: str, port: int, port_file: str | None) -> int:
    import uvicorn

    from .api import create_app

    listener = socket.create_server((host, port), reuse_port=False)
    if port_file:
        Path(port_file).write_text(str(listener.getsockname()[1]))
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[listener])
    return 0
