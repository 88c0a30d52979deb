"""Sets up the kit in a virtualenv from the lock: ``python3 scripts/setup.py [--examples] [--venv DIR]``.

1. creates the virtualenv (``.venv`` in the repository root) unless it exists, with the Python that runs this script;
2. installs ``requirements.lock`` as a lock: ``pip install --no-deps --require-hashes --only-binary :all:``, so pip
   installs exactly the pinned wheels, resolves nothing and builds nothing (a release upstream cannot change or break
   the set-up, and a wheel whose hash does not match is an error, not a fallback to building its source);
3. puts the repository root on the virtualenv's Python path (what ``pip install -e .`` does, without a build step);
4. runs ``pip check``: a lock that misses a package fails here, naming it.

``--examples`` also installs the locks of the example systems (``examples/*/requirements.lock``), which the project's
own tests use. ``--allow-source-builds`` lets pip build a locked package from its (hash-checked) source where the
platform has no wheel for it. Works with the pip that ``python3 -m venv`` bundles, from pip OLDEST_PIP on; needs
only Python 3.10+.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

OLDEST_PIP = "22.0.2"
ROOT = Path(__file__).resolve().parents[1]
PATH_FILE = "agent_services_qa.pth"


def fail(message: str) -> None:
    print(f"setup: {message}", file=sys.stderr)
    sys.exit(1)


def interpreter(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*command: str | Path, what: str) -> None:
    print(f"setup: {what}", flush=True)
    if subprocess.run([str(part) for part in command], check=False).returncode:
        fail(f"{what} failed (see pip's message above)")


def site_packages(python: Path) -> Path:
    script = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True).stdout.strip())


def locks(examples: bool) -> list[Path]:
    found = [ROOT / "requirements.lock"]
    return found + sorted(ROOT.glob("examples/*/requirements.lock")) if examples else found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 scripts/setup.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="the virtualenv (default: .venv)")
    parser.add_argument("--examples", action="store_true", help="also install examples/*/requirements.lock")
    parser.add_argument(
        "--allow-source-builds", action="store_true", help="build locked packages that have no wheel for this platform"
    )
    parser.add_argument("--oldest-pip", action="store_true", help="print the oldest pip this set-up supports")
    options = parser.parse_args(argv)
    if options.oldest_pip:
        print(OLDEST_PIP)
        return 0
    if sys.version_info < (3, 10):  # noqa: UP036 - this script is what tells an older Python so
        fail(f"Python {sysconfig.get_python_version()} is too old: run this with Python 3.10 or newer.")
    python = interpreter(options.venv)
    if not python.exists():
        run(sys.executable, "-m", "venv", options.venv, what=f"creating the virtualenv {options.venv}")
    requirements = [part for lock in locks(options.examples) for part in ("-r", lock)]
    names = ", ".join(str(lock.relative_to(ROOT)) for lock in locks(options.examples))
    binaries = [] if options.allow_source_builds else ["--only-binary", ":all:"]
    install = [python, "-m", "pip", "install", "--no-deps", "--require-hashes", *binaries, *requirements]
    run(*install, what=f"installing {names}")
    (site_packages(python) / PATH_FILE).write_text(f"{ROOT}\n")
    run(python, "-m", "pip", "check", what="checking that every installed package has what it requires")
    print(f"setup: ready. Activate it with: . {options.venv}/bin/activate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
