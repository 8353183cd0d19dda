"""Journeys through the real UI in Chromium: first-run setup, accounts, roles, sign-out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from factcheck.states import Role

from ..helpers import PASSWORD

ADMIN = {"name": "Ada Admin", "email": "ada@example.org", "password": "first admin passphrase"}
EDITOR = {"name": "Eddie Editor", "email": "eddie@example.org", "password": "editor passphrase 42"}


def _nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def _sign_in(page: Page, email: str, password: str) -> None:
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(_nav(page).get_by_role("link", name="Sign in")).to_be_visible()


def test_first_admin_sets_up_creates_an_editor_who_signs_in_and_out(page: Page):
    # An empty installation sends the sign-in page to the one-time setup page.
    page.goto("/login")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", name="Set up factcheck", level=1)).to_be_visible()

    page.get_by_label("Your name").fill(ADMIN["name"])
    page.get_by_label("Email", exact=True).fill(ADMIN["email"])
    page.get_by_label("New password", exact=True).fill(ADMIN["password"])
    page.get_by_label("Repeat the new password", exact=True).fill(ADMIN["password"])
    page.get_by_role("button", name="Create administrator").click()

    # The new administrator is signed in and lands on the Users page.
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are the administrator")
    expect(page.get_by_role("button", name="Sign out")).to_contain_text(ADMIN["name"])
    admin_row = page.get_by_role("row").filter(has_text=ADMIN["email"])
    expect(admin_row).to_contain_text("Administrator")

    # Add an editor with an initial password.
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user", level=1)).to_be_visible()
    page.get_by_label("Name", exact=True).fill(EDITOR["name"])
    page.get_by_label("Email", exact=True).fill(EDITOR["email"])
    page.get_by_label("Role", exact=True).select_option(label="Editor")
    page.get_by_label("Initial password", exact=True).fill(EDITOR["password"])
    page.get_by_role("button", name="Add user").click()

    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("status")).to_contain_text(f"Account created for {EDITOR['email']}.")
    editor_row = page.get_by_role("row").filter(has_text=EDITOR["email"])
    expect(editor_row).to_have_count(1)
    expect(editor_row).to_contain_text(EDITOR["name"])
    expect(editor_row).to_contain_text("Editor")
    expect(editor_row).to_contain_text("Active")

    # The admin signs out; the setup page is gone for good.
    _sign_out(page)
    assert page.goto("/setup").status == 404

    # The editor signs in and sees the editors' dashboard, without the admin's links.
    page.goto("/login")
    _sign_in(page, EDITOR["email"], EDITOR["password"])
    expect(page).to_have_url(re.compile(r"/editor/$"))
    expect(page.get_by_role("heading", name="Articles", level=1)).to_be_visible()
    nav = _nav(page)
    expect(nav.get_by_role("link", name="Articles", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="My claims", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    expect(nav.get_by_role("button", name="Sign out")).to_contain_text(EDITOR["name"])

    # After signing out, the editors' pages send the browser back to sign in.
    _sign_out(page)
    page.goto("/editor/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)editor(/|%2F)$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(_nav(page).get_by_role("link", name="Articles", exact=True)).to_have_count(0)


def test_reviewer_sees_their_claims_and_is_refused_the_admin_pages(page: Page, make_user):
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")

    page.goto("/login")
    _sign_in(page, reviewer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", name="My claims", level=1)).to_be_visible()
    nav = _nav(page)
    expect(nav.get_by_role("button", name="Sign out")).to_contain_text("Rita Reviewer")
    expect(nav.get_by_role("link", name="Articles", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Users", exact=True)).to_have_count(0)

    response = page.goto("/admin/users")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed", level=1)).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)  # no list of accounts leaks
    expect(page.get_by_text(reviewer.email)).to_have_count(0)
