"""Shared steps of the workbench page tests: sign in through the real page, read a page."""

from __future__ import annotations

import re

PASSWORD = "onewindow-test"


def sign_in(client, staff) -> None:
    """Sign in through the real sign-in page (signing out whoever was signed in first)."""
    client.logout()
    response = client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def text(response) -> str:
    """The page's visible text, tags removed and whitespace folded (for assertions a reader makes)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
