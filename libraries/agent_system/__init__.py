"""Agent-system keywords and the adapters they drive."""
