"""The Content Security Policy forbids inline styles, inline event handlers and inline scripts, so a
template that uses one renders a page where that part silently does nothing (a filter that never
submits, a progress bar stuck at zero). This scan keeps every template to what the policy allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted(Path(__file__).resolve().parents[2].joinpath("src", "alur").rglob("templates/**/*.html"))
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


def test_the_scan_sees_the_templates() -> None:
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("pattern", [INLINE_STYLE, INLINE_HANDLER, INLINE_SCRIPT], ids=["style", "handler", "script"])
def test_no_template_uses_what_the_policy_blocks(pattern: re.Pattern[str]) -> None:
    offenders = [
        f"{path.relative_to(path.parents[3])}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_patterns_catch_what_they_are_for() -> None:
    assert INLINE_STYLE.search('<div style="width: 5%">')
    assert INLINE_HANDLER.search('<select onchange="this.form.submit()">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/alur.js" defer></script>')
    assert not INLINE_HANDLER.search('<select data-autosubmit name="metric">')
