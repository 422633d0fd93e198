"""Template helpers for comments and version diffs: ``{% load alur_collab %}``.

``{{ comment|comment_html }}`` shows a comment's stored plain text safely: every piece is escaped first;
then web addresses (http and https only) become links and mentions of members are marked, and line
breaks become ``<br>``. Nothing the person typed is ever passed through as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from alur.content.mentions import handle_keys, split_mentions
from alur.content.models import Comment

register = template.Library()

URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?\u2026"


def _url_end(url: str) -> str:
    """A web address without the punctuation that ends the sentence around it."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def _text_html(text: str, handles: set[str]) -> list[str]:
    parts: list[str] = []
    for piece, handle in split_mentions(text):
        if handle is not None and handle in handles:
            parts.append(format_html('<span class="alur-mention">{}</span>', piece))
        else:
            parts.append(str(conditional_escape(piece)))
    return parts


def render_comment_body(body: str, mentioned_emails: Iterable[str] = ()) -> SafeString:
    """``body`` as safe HTML: escaped, links for http(s) addresses, mentions of ``mentioned_emails``
    marked, ``<br>`` at line breaks."""
    handles: set[str] = set()
    for email in mentioned_emails:
        handles.update(handle_keys(email))
    parts: list[str] = []
    position = 0
    for match in URL.finditer(body):
        url = _url_end(match.group(0))
        if not url.split("://", 1)[1]:
            continue
        parts += _text_html(body[position : match.start()], handles)
        parts.append(format_html('<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>', url, url))
        position = match.start() + len(url)
    parts += _text_html(body[position:], handles)
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>\n")
    # Every part above was escaped (conditional_escape / format_html); only our own tags are markup.
    return mark_safe(html)  # noqa: S308


@register.filter
def comment_html(comment: Comment) -> SafeString:
    """A comment's body as safe HTML (its mentions come from the prefetched ``mentions``)."""
    return render_comment_body(comment.body, [user.email for user in comment.mentions.all()])


_INLINE = {"equal": "{}", "insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}


@register.filter
def diff_html(segments: Iterable[tuple[str, str]]) -> SafeString:
    """Word-diff segments as escaped text with ``<ins>``/``<del>`` around the changes."""
    html = "".join(format_html(_INLINE.get(op, "{}"), text) for op, text in segments)
    return mark_safe(html)  # noqa: S308 - built from format_html pieces only
