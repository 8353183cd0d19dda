"""The message catalogues are complete: every text the interface and its mails use has a
Dari and a Pashto translation that keeps the message's placeholders."""

from __future__ import annotations

import shutil

from babel.messages.pofile import read_po, write_po

from factcheck import i18n
from factcheck.infra import translations
from factcheck.infra.translations import catalogue_gaps, catalogue_path, extract_messages


def test_every_message_is_translated_in_every_language():
    gaps = catalogue_gaps()
    assert gaps == [], "\n".join(f"{g.locale}: {g.reason}: {g.message!r}" for g in gaps[:40])


def test_extraction_finds_the_code_the_templates_and_the_mails():
    found = {m.id if isinstance(m.id, str) else m.id[0]: m.locations
             for m in extract_messages() if m.id}
    assert any(path.startswith("factcheck/web/forms.py") for path, _line in found["Password"])
    assert any(path.startswith("templates/mail/") for path, _line in found[
        "You receive this mail because you have an account at {desk}."])
    plurals = {m.id for m in extract_messages() if isinstance(m.id, tuple)}
    assert ("Your daily digest: {n} notification",
            "Your daily digest: {n} notifications") in plurals


def test_the_check_command_fails_on_a_missing_or_broken_translation(
        runner, tmp_path, monkeypatch):
    assert runner.invoke(args=["translations", "check"]).exit_code == 0
    copy = tmp_path / "translations"
    shutil.copytree(i18n.CATALOGUES, copy)
    monkeypatch.setattr(translations, "CATALOGUES", copy)
    path = catalogue_path("ps")
    with path.open("rb") as po:
        catalog = read_po(po, locale="ps")
    catalog["Sign in"].string = ""  # missing
    placeholders = next(m for m in catalog if isinstance(m.id, str) and "{email}" in m.id)
    placeholders.string = placeholders.string.replace("{email}", "{mail}")  # broken
    with path.open("wb") as po:
        write_po(po, catalog, width=100)
    result = runner.invoke(args=["translations", "check"])
    assert result.exit_code != 0
    assert "ps: not translated: 'Sign in'" in result.output
    assert f"ps: placeholders ['mail'] not in the message ['email']: {placeholders.id!r}" in (
        result.output)


def test_update_keeps_translations_and_adds_new_messages_empty(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(i18n.CATALOGUES, copy)
    monkeypatch.setattr(translations, "CATALOGUES", copy)
    path = catalogue_path("fa_AF")
    with path.open("rb") as po:
        before = read_po(po, locale="fa_AF")
    before.delete("Sign in")
    with path.open("wb") as po:
        write_po(po, before, width=100)
    missing = translations.update_catalogues()
    assert missing == {"fa_AF": 1, "ps": 0}
    with path.open("rb") as po:
        after = read_po(po, locale="fa_AF")
    assert after["Sign in"].string == "" and after["Password"].string == (
        i18n.catalogue("fa_AF").gettext("Password"))
