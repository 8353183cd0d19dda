"""The built-in rating scale presets, and seeding them into a new database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import RatingLabel, RatingScale
from ..states import ScaleMode


@dataclass(frozen=True)
class PresetLabel:
    key: str
    name: str
    value: int | None  # None: a non-ordinal verdict ("Unverifiable")
    colour: str
    symbol: str
    description: str = ""


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    mode: ScaleMode
    labels: tuple[PresetLabel, ...]


_UNVERIFIABLE = PresetLabel("unverifiable", "Unverifiable", None, "#5f6b7a", "?",
                            "The available evidence can neither confirm nor refute it.")
_OPINION = PresetLabel("opinion", "Opinion, not checkable", None, "#7a5f8a", "≈",
                       "A judgement or a value statement, not a checkable fact.")

SIX_STEP = Preset(
    "Truth scale (six steps)",
    "From True to False and ridiculous, with two non-ordinal verdicts.",
    ScaleMode.ORDINAL,
    (
        PresetLabel("true", "True", 6, "#1b6e2e", "✔", "Accurate, nothing significant missing."),
        PresetLabel("mostly-true", "Mostly true", 5, "#4f7f1f", "✔",
                    "Accurate but needs clarification or context."),
        PresetLabel("half-true", "Half true", 4, "#8a6d00", "◐",
                    "Partially accurate; leaves out important details or takes things out "
                    "of context."),
        PresetLabel("mostly-false", "Mostly false", 3, "#a65200", "✘",
                    "Contains an element of truth but ignores critical facts."),
        PresetLabel("false", "False", 2, "#b00020", "✘", "Not accurate."),
        PresetLabel("false-ridiculous", "False and ridiculous", 1, "#7a0016", "✘✘",
                    "Not accurate and makes a ridiculous claim."),
        _UNVERIFIABLE,
        _OPINION,
    ),
)
FIVE_STEP = Preset(
    "Accuracy scale (five steps)",
    "From Accurate to Inaccurate, with Unverifiable.",
    ScaleMode.ORDINAL,
    (
        PresetLabel("accurate", "Accurate", 5, "#1b6e2e", "✔"),
        PresetLabel("mostly-accurate", "Mostly accurate", 4, "#4f7f1f", "✔"),
        PresetLabel("mixed", "Mixed", 3, "#8a6d00", "◐"),
        PresetLabel("mostly-inaccurate", "Mostly inaccurate", 2, "#a65200", "✘"),
        PresetLabel("inaccurate", "Inaccurate", 1, "#b00020", "✘"),
        _UNVERIFIABLE,
    ),
)
EVIDENCE = Preset(
    "Evidence scale (three-way)",
    "Supported or refuted by the evidence, or not enough evidence either way.",
    ScaleMode.ORDINAL,
    (
        PresetLabel("supported", "Supported", 2, "#1b6e2e", "✔"),
        PresetLabel("refuted", "Refuted", 1, "#b00020", "✘"),
        PresetLabel("not-enough-evidence", "Not enough evidence", None, "#5f6b7a", "?"),
    ),
)
CONCLUSION = Preset(
    "Conclusion only",
    "No rating label: each verdict is a short written conclusion.",
    ScaleMode.CONCLUSION,
    (),
)
PRESETS = (SIX_STEP, FIVE_STEP, EVIDENCE, CONCLUSION)


def create_scale_from_preset(session: Session, preset: Preset, *, name: str | None = None,
                             builtin: bool = False) -> RatingScale:
    """Add a scale with the preset's labels (unsaved until the caller commits)."""
    scale = RatingScale(name=name or preset.name, description=preset.description,
                        mode=preset.mode, is_builtin=builtin)
    session.add(scale)
    session.flush()
    for position, label in enumerate(preset.labels):
        session.add(RatingLabel(
            scale_id=scale.id, key=label.key, name=label.name, position=position,
            value=label.value, colour=label.colour, symbol=label.symbol,
            description=label.description,
        ))
    return scale


def seed_rating_scales(session: Session) -> None:
    """Create the built-in presets once, and make the six-step scale active if none is."""
    existing = {s.name: s for s in session.exec(select(RatingScale)).all()}
    for preset in PRESETS:
        if preset.name not in existing:
            existing[preset.name] = create_scale_from_preset(session, preset, builtin=True)
    if not any(s.is_active for s in existing.values()):
        existing[SIX_STEP.name].is_active = True
    session.flush()
