"""The interface's languages: who chooses, what the page says it is, and what follows it
(cached pages, dates and numbers, form labels, mail)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import render_template_string

from factcheck.extensions import db
from factcheck.i18n import catalogue
from factcheck.models import AuditEvent, User
from factcheck.states import Role

from ..helpers import csrf_token, login, rows, run_jobs
from .test_public import _publish, checked  # noqa: F401 (a fixture)

DARI = {"Accept-Language": "fa-AF,fa;q=0.9,en;q=0.5"}
PASHTO = {"Accept-Language": "ps"}
_HTML_TAG = re.compile(r"<html lang=\"([^\"]+)\" dir=\"([^\"]+)\">")


def _in(locale: str, message: str) -> str:
    translated = catalogue(locale).gettext(message)
    assert translated != message, f"{message!r} has no {locale} translation"
    return translated


def _language_of(response) -> tuple[str, str]:
    match = _HTML_TAG.search(response.get_data(as_text=True))
    assert match, "no <html lang dir> on the page"
    return match.group(1), match.group(2)


def test_the_browser_s_language_chooses_the_interface(client, make_user):
    make_user(Role.EDITOR)  # with no account yet, /login leads to the set-up page
    assert _language_of(client.get("/login")) == ("en", "ltr")
    dari = client.get("/login", headers=DARI)
    assert _language_of(dari) == ("fa-AF", "rtl")
    page = dari.get_data(as_text=True)
    assert _in("fa_AF", "Sign in") in page
    # Form labels are module-level text: translated when shown, not frozen at import.
    assert _in("fa_AF", "Password") in page and ">Password<" not in page
    assert _language_of(client.get("/login", headers=PASHTO)) == ("ps", "rtl")
    assert _in("ps", "Sign in") in client.get("/login", headers=PASHTO).get_data(as_text=True)
    # A language the desk does not speak: the desk's default, English.
    assert _language_of(client.get("/login", headers={"Accept-Language": "de"})) == (
        "en", "ltr")


def test_the_desk_s_default_applies_when_the_browser_asks_for_none(app, make_user):
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert admin.post("/admin/organisation", data={
        "csrf_token": csrf_token(page), "org_name": "Kabul desk", "default_locale": "ps",
    }).status_code == 302
    reader = app.test_client()
    assert _language_of(reader.get("/")) == ("ps", "rtl")
    assert _language_of(reader.get("/", headers=DARI)) == ("fa-AF", "rtl")
    bad = admin.post("/admin/organisation", data={
        "csrf_token": csrf_token(page), "org_name": "Kabul desk", "default_locale": "xx"})
    assert bad.status_code == 422 and _language_of(reader.get("/")) == ("ps", "rtl")


def test_a_reader_switches_language_from_any_page(client):
    page = client.get("/search?q=jobs").get_data(as_text=True)
    assert 'href="/language/fa_AF?next=/search?q%3Djobs"' in page
    switched = client.get("/language/fa_AF?next=/search?q%3Djobs")
    assert switched.status_code == 302 and switched.headers["Location"] == "/search?q=jobs"
    assert "HttpOnly" in switched.headers["Set-Cookie"]
    # The choice outranks the browser's language from now on.
    assert _language_of(client.get("/search", headers={"Accept-Language": "en"})) == (
        "fa-AF", "rtl")
    assert 'aria-current="true" lang="fa-AF"' in client.get("/search").get_data(as_text=True)
    # Unknown languages change nothing; other sites are never a destination.
    assert client.get("/language/xx?next=/").status_code == 302
    assert _language_of(client.get("/")) == ("fa-AF", "rtl")
    assert client.get("/language/en?next=//evil.example/").headers["Location"] == "/"
    assert _language_of(client.get("/")) == ("en", "ltr")


def test_a_user_s_own_setting_outranks_browser_and_cookie(app, make_user):
    user = make_user(Role.REVIEWER)
    client = app.test_client()
    login(client, user.email)
    page = client.get("/account/language?code=ps", headers=DARI).get_data(as_text=True)
    assert '<option selected value="ps">' in page  # the footer's link preselects it
    saved = client.post("/account/language", data={"csrf_token": csrf_token(page),
                                                  "locale": "ps"}, follow_redirects=True)
    assert _in("ps", "Your language is saved.") in saved.get_data(as_text=True)
    client.set_cookie("factcheck_lang", "fa_AF")
    assert _language_of(client.get("/review/", headers=DARI)) == ("ps", "rtl")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "ps"
    [event] = rows(app, AuditEvent, action="user.language_changed")
    assert event.details == {"before": "", "after": "ps"}
    # Back to "as my browser asks".
    page = client.get("/account/language").get_data(as_text=True)
    client.post("/account/language", data={"csrf_token": csrf_token(page), "locale": ""})
    client.delete_cookie("factcheck_lang")
    assert _language_of(client.get("/review/", headers={"Accept-Language": "en"})) == (
        "en", "ltr")
    refused = client.post("/account/language", data={
        "csrf_token": csrf_token(client.get("/account/language").get_data(as_text=True)),
        "locale": "klingon"})
    assert refused.status_code == 422


def test_a_cached_verdict_page_is_one_per_language(app, checked):  # noqa: F811
    _publish(app, checked)
    reader = app.test_client()
    english = reader.get(f"/checks/{checked['slug']}")
    dari = reader.get(f"/checks/{checked['slug']}", headers=DARI)
    assert english.headers["ETag"] != dari.headers["ETag"]
    assert "Accept-Language" in english.headers["Vary"]
    assert _language_of(dari) == ("fa-AF", "rtl")
    # The English copy a proxy holds is not the answer to a Dari reader.
    again = reader.get(f"/checks/{checked['slug']}",
                       headers={**DARI, "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200 and _language_of(again) == ("fa-AF", "rtl")
    same = reader.get(f"/checks/{checked['slug']}",
                      headers={**DARI, "If-None-Match": dari.headers["ETag"]})
    assert same.status_code == 304


@pytest.mark.parametrize(("headers", "digits"), [(DARI, "۲۰۲۶"), (PASHTO, "۲۰۲۶"),
                                                 ({}, "2026")])
def test_dates_and_numbers_are_written_as_the_locale_writes_them(app, headers, digits):
    with app.test_request_context("/", headers=headers):
        text = render_template_string(
            "{{ day|day }} | {{ moment|moment }} | {{ 1234567|number }} | "
            "{{ ngettext('{n} claim', '{n} claims', 3) }}",
            day=date(2026, 12, 5), moment=datetime(2026, 12, 5, 14, 3))
    assert text.count(digits) == 2
    if digits == "2026":
        assert "Dec 5, 2026" in text and "1,234,567" in text and "3 claims" in text
    else:
        assert "۱" in text and "2026" not in text and "۳" in text  # noqa: RUF001


def test_mail_speaks_the_recipient_s_language(make_app, make_user, mailbox):
    app = make_app(**mailbox.config)
    admin = make_user(Role.ADMIN)
    with app.app_context():
        db.session.get(User, admin.id).locale = "fa_AF"
        db.session.commit()
    client = app.test_client()
    login(client, admin.email)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert client.post("/admin/settings/test-mail",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    run_jobs(app)
    [message] = mailbox.to(admin.email)
    assert _in("fa_AF", "Test message") in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert '<html lang="fa-AF" dir="rtl">' in html
