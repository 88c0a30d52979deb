"""A multi-agent app written with the plain OpenAI SDK: one OS process per run (see README.md)."""
