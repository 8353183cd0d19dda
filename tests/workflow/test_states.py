"""The workflow state table: exhaustive, and documented exactly as coded."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from factcheck.states import (
    TRANSITIONS,
    ArticleStatus,
    ClaimStatus,
    ReviewStatus,
    Role,
    TransitionError,
    can_transition,
    check_transition,
    transitions_markdown,
)

ALL_PAIRS = [
    (enum_cls, a, b)
    for enum_cls in TRANSITIONS
    for a, b in itertools.product(list(enum_cls), repeat=2)
]


def test_every_state_of_every_enum_has_a_row():
    for enum_cls, table in TRANSITIONS.items():
        assert set(table) == set(enum_cls), enum_cls


@pytest.mark.parametrize(
    ("enum_cls", "current", "target"), ALL_PAIRS, ids=lambda v: str(getattr(v, "__name__", v))
)
def test_check_transition_follows_the_table_for_every_pair(enum_cls, current, target):
    allowed = target in TRANSITIONS[enum_cls][current]
    assert can_transition(current, target) is allowed
    if allowed:
        check_transition(current, target)
    else:
        with pytest.raises(TransitionError):
            check_transition(current, target)


def test_no_state_transitions_to_itself():
    for _enum_cls, current, target in ALL_PAIRS:
        if current is target:
            assert not can_transition(current, target)


def test_key_rules_of_the_workflow():
    assert can_transition(ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED)
    assert not can_transition(ArticleStatus.DRAFT, ArticleStatus.PUBLISHED)
    assert can_transition(ArticleStatus.UNPUBLISHED, ArticleStatus.PUBLISHED)
    assert not can_transition(ClaimStatus.DISMISSED, ClaimStatus.IN_REVIEW)
    assert can_transition(ReviewStatus.SUBMITTED, ReviewStatus.DRAFT)  # withdraw
    assert not can_transition(ArticleStatus.DRAFT, ClaimStatus.SELECTED)  # other enum


def test_roles_are_ordered():
    assert Role.ADMIN.at_least(Role.EDITOR) and Role.EDITOR.at_least(Role.REVIEWER)
    assert not Role.REVIEWER.at_least(Role.EDITOR)
    assert not Role.EDITOR.at_least(Role.ADMIN)


def test_documentation_matches_the_table():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "workflow.md").read_text()
    assert transitions_markdown() in doc
