"""Health keywords: status (ok / degraded / down) and latency of PostgreSQL, Redis, the LLM endpoint, the system
under test and an optional HTTP service (``AUTH_SERVICE_URL``)."""

from .library import HealthLibrary

__all__ = ["HealthLibrary"]
