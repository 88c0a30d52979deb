"""One run, one process: ``python -m examples.plain_sdk.run <run id>``.

Plans the goal, researches each step, hands over to the writer and stores the answer; a failure is stored as the
run's error (kind, provider, status, text). If this process dies, its launcher marks the run failed (``crashed``):
nothing resumes it.

Settings come from the environment: ``PS_DATABASE_URL``, ``PS_SCHEMA``, ``PS_REDIS_URL``, ``PS_KEY_PREFIX``,
``PS_OPENAI_BASE_URL``, ``PS_OPENAI_API_KEY``, ``PS_LLM_TIMEOUT_S`` (optional) and ``PS_DIE_WITH_PARENT`` (``1``:
end when the launcher ends, Linux).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1

log = logging.getLogger("examples.plain_sdk")


def die_with_parent() -> None:
    """On Linux, this process gets SIGKILL when the thread that started it ends (or its process)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def main(argv: list[str]) -> int:
    if os.environ.get("PS_DIE_WITH_PARENT") == "1":
        die_with_parent()
    if len(argv) != 1:
        print("usage: python -m examples.plain_sdk.run <run id>", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from .team import execute  # the SDKs load after the death signal is armed

    execute(argv[0], os.environ)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
