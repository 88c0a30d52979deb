"""Run-wide services: resolution, embedded servers, per-suite namespaces. Filled in by the foundation work."""
