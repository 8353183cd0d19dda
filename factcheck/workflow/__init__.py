"""Workflow rules: every state change of the product goes through these functions.

They are keyword-only, take the session explicitly, never commit (the caller
commits once), record an audit event for every change, and raise
`WorkflowError` when a rule is broken.
"""

from .errors import WorkflowError

__all__ = ["WorkflowError"]
