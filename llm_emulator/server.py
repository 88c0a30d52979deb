"""The process: llmock's app (its defaults, as ``llmock serve`` gives them) wrapped by the scoping layer."""

from __future__ import annotations

import argparse

from .scoping import ScopedEmulator


def build_app() -> ScopedEmulator:
    from llmock.main import create_app

    app = create_app()
    return ScopedEmulator(app, app.state.llmock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llm_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="warning")
    options = parser.parse_args(argv)

    import uvicorn

    uvicorn.run(build_app(), host=options.host, port=options.port, log_level=options.log_level)
    return 0
