"""Command line: ``python -m orchestrator {system,api,agent,migrate} …`` (settings: ``ORCH_…`` variables)."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

import psycopg
import psycopg_pool
import redis

from . import settings as settings_module
from . import store as store_module
from .keys import ROLE_STREAMS
from .processes import die_with_parent, mask_url
from .queues import Queues
from .settings import Settings, SettingsError
from .store import CONNECT_TIMEOUT_S, Store


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.die_with_parent:
        die_with_parent()
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {arguments.command} %(name)s: %(message)s")
    for chatty in ("httpx", "httpx2", "openai", "anthropic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        settings = settings_module.load()
        if arguments.command == "system":
            settings = settings.with_overrides(workers=arguments.workers)
            from .system import run_system  # runs the preflight in a forked child: the warm parent holds no connection

            return run_system(settings, arguments.host, arguments.port, arguments.ready_file)
        preflight(settings)
        if arguments.command == "api":
            return serve_api(settings, arguments.host, arguments.port, arguments.port_file)
        if arguments.command == "agent":
            roles = tuple(role.strip() for role in arguments.roles.split(","))
            unknown = [role for role in roles if role not in ROLE_STREAMS]
            if unknown:
                raise SettingsError(f"--roles: unknown role {unknown[0]}; choose from {', '.join(ROLE_STREAMS)}")
            from .consumer import AgentProcess

            AgentProcess(settings, roles, arguments.name).run()
        return 0
    except SettingsError as error:
        print(f"orchestrator: {error}", file=sys.stderr, flush=True)
        return 2


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m orchestrator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    system = commands.add_parser("system", help="the API and N agents as children")
    system.add_argument("--workers", type=int, default=None, help="agents to start (default ORCH_WORKERS)")
    system.add_argument("--ready-file", help="write the API URL and the pids here (JSON) once it answers")
    api = commands.add_parser("api", help="the HTTP API (and the relay, deadlines and reconciler)")
    api.add_argument("--port-file", help="write the listening port here")
    for command in (system, api):
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    agent = commands.add_parser("agent", help="an agent process")
    agent.add_argument("--roles", default="planner,worker,aggregator", help="comma-separated roles to serve")
    agent.add_argument("--name", help="consumer name (default agent-<host>-<pid>)")
    commands.add_parser("migrate", help="create the schema and the consumer groups, then exit")
    for command in commands.choices.values():
        command.add_argument("--die-with-parent", action="store_true", help="end when the parent process ends")
    return parser


if __name__ == "__main__":
    sys.exit(main())
