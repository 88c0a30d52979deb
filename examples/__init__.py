"""Example systems under test, each with its own adapter of ``libraries.agent_system.contract``."""
