"""``python -m llm_emulator``: llmock behind the kit's scoping layer (see ``llm_emulator.server``)."""

import sys

from .server import main

sys.exit(main())
