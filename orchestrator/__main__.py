"""Command line: ``python -m orchestrator {system,api,agent,migrate} …`` (settings: ``ORCH_…`` variables)."""

from __future__ import annotations

import argparse
import logging
import sys

from . import settings as settings_module
from .keys import ROLE_STREAMS
from .processes import die_with_parent
from .settings import SettingsError
from .startup import preflight, serve_api


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
