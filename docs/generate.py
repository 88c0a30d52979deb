"""Regenerate the keyword documentation in docs/: every keyword library and every plain-language resource file.

python docs/generate.py            # write docs/*.html
python docs/generate.py --check    # fail when docs/ is not what the code generates, or an example lost a cell
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from robot.libdoc import libdoc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs.adapter_page import PAGE, page

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
INDEX = DOCS / "README.md"
LIBRARIES = [
    "libraries.services.ServicesLibrary",
    "libraries.redis_library.RedisLibrary",
    "libraries.postgres_library.PostgresLibrary",
    "libraries.llm_library.LLMLibrary",
    "libraries.agent_system.AgentSystemLibrary",
    "libraries.faults.FaultsLibrary",
    "libraries.load.LoadLibrary",
    "libraries.health.HealthLibrary",
]
# Left out of the comparison: the time stamp, where the source sits (checkout path, line numbers) and the Python
# that generated it (the "Generator" meta tag names its exact version).
_VOLATILE = re.compile(r'"(?:generated|source)": ?"[^"]*"|"lineno": ?-?\d+|<meta content="[^"]*" name="Generator">')
# Libdoc reads a table cell "=x=" as a header: an example cell "==" turns into an empty header cell.
_EMPTY_HEADER = re.compile(r"<th>\s*</th>")


def generate(target: Path) -> list[Path]:
    written = [target / PAGE.name]
    written[0].write_text(page(), encoding="utf-8")
    for library in LIBRARIES:
        written.append(target / f"{library.rsplit('.', 1)[-1]}.html")
        libdoc(library, str(written[-1]), quiet=True)
    for resource in sorted((ROOT / "keywords").glob("*.resource")):
        written.append(target / f"{resource.stem}_keywords.html")
        libdoc(str(resource), str(written[-1]), quiet=True)
    return written


def check() -> list[str]:
    """Problems of the committed docs: stale or missing files, and examples rendered with an empty cell."""
    problems = []
    with tempfile.TemporaryDirectory() as temporary:
        for fresh in generate(Path(temporary)):
            committed = DOCS / fresh.name
            if not committed.exists():
                problems.append(f"docs/{fresh.name} is missing")
            elif _comparable(committed) != _comparable(fresh):
                problems.append(f"docs/{fresh.name} is not current")
            if fresh.suffix == ".html" and fresh.name not in INDEX.read_text(encoding="utf-8"):
                problems.append(f"docs/{fresh.name} is not listed in docs/README.md")
            if _EMPTY_HEADER.search(fresh.read_text(encoding="utf-8")):
                problems.append(f"docs/{fresh.name} has an empty table header: write '==' examples as '| a    ==    b'")
    return problems


def _comparable(path: Path) -> str:
    return _VOLATILE.sub("", path.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    if parser.parse_args().check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("Run `python docs/generate.py` and commit docs/.", file=sys.stderr)
        return 1 if problems else 0
    print("\n".join(sorted(str(path.relative_to(ROOT)) for path in generate(DOCS))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
