"""``python -m fault_proxy``: the fault proxy server (see ``fault_proxy.server``)."""

import sys

from .server import main

sys.exit(main())
