"""The strict Content-Security-Policy holds: every page sends it, no template needs an exception."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(Path(__file__).resolve().parents[2].joinpath("onewindow").glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b", re.I)
HTMX_CODE = re.compile(r"\shx-on[:-]|\bjavascript:", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[3])))
def test_template_has_no_inline_script_style_or_handler(path):
    text = path.read_text()
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on…= event handler", EVENT_HANDLER),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> element", INLINE_STYLE),
        ("hx-on / javascript: code", HTMX_CODE),
    ]:
        assert not pattern.search(text), f"{path.name}: {name} (the CSP forbids it; use a static file)"


@pytest.mark.parametrize("url", ["/workbench/login/", "/", "/progress/", "/admin/login/"])
def test_pages_send_the_strict_policy_and_security_headers(client, db, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # The progress page's address carries the query code: it sends no referrer at all.
    assert response["Referrer-Policy"] == ("no-referrer" if url == "/progress/" else "same-origin")
