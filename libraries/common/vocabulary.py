"""The words for waiting, written once: every keyword that takes ``timeout`` or ``retry_timeout`` documents it with
these sentences (a test checks the libraries' documentation)."""

TIMEOUT_DOC = "``timeout`` bounds one operation: after that time the keyword stops waiting for it."
"""``timeout`` bounds one operation: a wait (every ``Wait Until …`` keyword), a blocking read, a request."""

RETRY_TIMEOUT_DOC = "``retry_timeout`` is how long the keyword keeps polling until its assertion holds."
"""``retry_timeout`` is how long a getter or an assertion keyword polls; ``None`` is the library's setting."""
