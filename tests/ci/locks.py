"""Reading requirements files and their locks: names, pins, markers and hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?P<spec>[^;]*?)\s*(;\s*(?P<marker>.*))?$"
)


@dataclass
class Requirement:
    name: str
    spec: str
    marker: str
    hashes: list[str] = field(default_factory=list)
    line: str = ""

    @property
    def pinned_version(self) -> str | None:
        return self.spec[2:] if re.fullmatch(r"==[^,<>=!~*\s]+", self.spec) else None


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined and comments removed; blank lines dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = (line.split(" #", 1)[0].strip() for line in joined.splitlines() if not line.lstrip().startswith("#"))
    return [line for line in lines if line]


def parse(path: Path, *, options: bool = False) -> list[Requirement]:
    """Every requirement of a requirements file or lock; raises ValueError on a line that is not one.

    With ``options``, ``-c``/``-r`` lines (constraints, includes) are skipped instead.
    """
    requirements = []
    for line in logical_lines(path.read_text()):
        if options and re.match(r"-[cr]\s", line):
            continue
        hashes = re.findall(r"--hash=(\S+)", line)
        text = re.sub(r"\s*--hash=\S+", "", line).strip()
        match = REQUIREMENT.match(text)
        if not match:
            raise ValueError(f"{path.name}: not a requirement: {line}")
        requirements.append(
            Requirement(normalized(match["name"]), match["spec"].strip(), (match["marker"] or "").strip(), hashes, line)
        )
    return requirements


def lock_of(requirements_file: Path) -> Path:
    return requirements_file.with_suffix(".lock")


def requirement_files() -> list[Path]:
    return [ROOT / "requirements.txt", *sorted(ROOT.glob("examples/*/requirements.txt"))]
