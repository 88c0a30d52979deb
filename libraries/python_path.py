"""Puts the repository root on Python's path, so suites run without ``pip install -e .``.

``suites/__init__.robot`` imports this file first, by its relative path, as a variable file (it defines no
variables). Robot Framework handles a suite's imports when the suite starts, so by the time the suites below import
``Resource    keywords/….resource`` and ``Library    libraries.…``, the root is on ``sys.path``. ``PYTHONPATH``
carries it to child processes (pabot's ``robot`` processes, servers started by the run).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])

if ROOT not in sys.path:
    sys.path.append(ROOT)
if ROOT not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), ROOT]))
