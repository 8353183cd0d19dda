"""Fixtures shared by the web tests: the blind-review `desk` (defined with its attacks)."""

from .test_blind_review_attacks import desk  # noqa: F401 (a fixture, shared)
