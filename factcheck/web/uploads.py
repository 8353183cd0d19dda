"""Request bodies larger than the site's limit of forms, for the few views that take files."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Request, current_app

V = TypeVar("V", bound=Callable)
_SETTING = "upload_limit_setting"


def accepts_upload(setting: str) -> Callable[[V], V]:
    """Let the view take request bodies up to the config value `setting` (bytes)."""

    def mark(view: V) -> V:
        setattr(view, _SETTING, setting)
        return view

    return mark


class SiteRequest(Request):
    """A request whose body limit is its view's `accepts_upload`, else MAX_CONTENT_LENGTH.

    Decided from the matched route before any hook reads the body (CSRF checks read
    the form first), so a large upload is refused or accepted the same way everywhere.
    """

    @property
    def max_content_length(self) -> int | None:
        """The most bytes read from this request's body (413 beyond)."""
        if self._max_content_length is None and current_app and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            setting = getattr(view, _SETTING, None)
            if setting:
                return int(current_app.config[setting])
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
