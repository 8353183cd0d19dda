"""The one domain error type that views and the CLI turn into messages or HTTP codes."""

from __future__ import annotations


class WorkflowError(Exception):
    """A workflow rule was broken; `message` is user-facing, `code` maps to HTTP."""

    STATUS = {"invalid": 422, "conflict": 409, "forbidden": 403, "not_found": 404}

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    @property
    def http_status(self) -> int:
        """The HTTP status this error answers with."""
        return self.STATUS[self.code]
