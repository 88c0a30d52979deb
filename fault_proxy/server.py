"""The fault proxy server: Toxiproxy's HTTP API on ``--host:--port``, the proxies it creates, until SIGTERM.

    python -m fault_proxy --host 127.0.0.1 --port 0 --port-file PATH [--die-with-parent]

``--port 0`` picks a free port; the real one is written to ``--port-file`` once the API listens (written whole,
so a parent polling for the file never reads half of it). ``--config FILE`` creates proxies from a JSON array at
start, as Toxiproxy's ``-config`` does. SIGTERM or SIGINT stop it cleanly (exit code 0).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import functools
import json
import logging
import os
import signal
import sys
from pathlib import Path

from .api import Api
from .http1 import serve
from .proxies import ProxyCollection

_PR_SET_PDEATHSIG = 1
log = logging.getLogger("fault_proxy")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="fault-proxy %(levelname)s %(message)s"
    )
    if args.die_with_parent:
        die_with_parent()
    try:
        return asyncio.run(run(args.host, args.port, args.port_file, args.config))
    except OSError as failure:
        print(f"fault-proxy: cannot listen on {args.host}:{args.port}: {failure.strerror or failure}", file=sys.stderr)
        return 1


async def run(host: str, port: int, port_file: str | None = None, config: str | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then close every proxy and connection."""
    proxies = ProxyCollection()
    if config:
        _, failure = await proxies.populate(json.loads(Path(config).read_text()))
        if failure is not None:
            raise SystemExit(f"fault-proxy: {config}: {failure.message}")
    api = Api(proxies)
    server = await asyncio.start_server(functools.partial(serve, handler=api.handle), host, port)
    real_port = server.sockets[0].getsockname()[1]
    if port_file:
        _write_whole(Path(port_file), f"{real_port}\n")
    log.info("API listening on %s:%d", host, real_port)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    await stopped.wait()
    server.close()
    proxies.stop_all()
    log.info("stopped")
    return 0


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies; exit at once if it is already gone."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent or parent == 1:
        raise SystemExit(0)


def _write_whole(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fault_proxy", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address of the HTTP API (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8474, help="port of the HTTP API; 0 picks a free one")
    parser.add_argument("--port-file", help="write the API's real port here once listening")
    parser.add_argument("--config", help="JSON array of proxies to create at start")
    parser.add_argument("--die-with-parent", action="store_true", help="exit when the parent process dies (Linux)")
    parser.add_argument("--verbose", action="store_true", help="log proxies and connections")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
