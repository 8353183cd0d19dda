"""Small helpers the tests share: CSRF-aware form posts and sign-in through the real form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in `html`."""
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form (default: `url`), then POST `data` with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data = {**data, "csrf_token": csrf_token(html)}
    return client.post(url, data=data, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    """Sign in through the login form."""
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def logout(client: FlaskClient):
    """Sign out through the form every page carries."""
    return post_form(client, "/logout", {}, page="/account/password", follow_redirects=False)


def api_token(runner, email: str) -> str:
    """A new personal API token for `email`, made with `factcheck create-token`."""
    result = runner.invoke(["create-token", email, "--name", "tests"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {token}"}
