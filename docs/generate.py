"""Regenerate the keyword documentation in docs/: every keyword library and every plain-language resource file.

python docs/generate.py
"""

from __future__ import annotations

from pathlib import Path

from robot.libdoc import libdoc

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = [
    "libraries.services.ServicesLibrary",
    "libraries.redis_library.RedisLibrary",
    "libraries.postgres_library.PostgresLibrary",
    "libraries.llm_library.LLMLibrary",
]


def main() -> None:
    for library in LIBRARIES:
        libdoc(library, str(ROOT / "docs" / f"{library.rsplit('.', 1)[-1]}.html"), quiet=True)
    for resource in sorted((ROOT / "keywords").glob("*.resource")):
        libdoc(str(resource), str(ROOT / "docs" / f"{resource.stem}_keywords.html"), quiet=True)
    print("\n".join(sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs").glob("*.html"))))


if __name__ == "__main__":
    main()
