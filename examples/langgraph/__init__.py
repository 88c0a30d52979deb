"""A supervisor, a researcher and a writer as a LangGraph graph, checkpointed in PostgreSQL, with its adapter."""
