"""@mentions in comment text. Framework-free.

Syntax: ``@`` followed by a member's full email (``@budi.santoso@kopikita.id``) or the part of it before
the ``@`` (``@budi.santoso``), matched case-insensitively. A mention starts at the beginning of the text
or after a character that cannot be part of an email (so ``budi@kopikita.id`` written out is not a
mention); a full stop right after it ends the sentence, not the mention. Anything else after ``@``
(``@kopikita`` naming an Instagram account, ``@ 10.00``) stays plain text unless it names a member.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# local part (letters, digits, . _ % + -) optionally followed by @domain.tld
MENTION = re.compile(r"(?<![\w.%+@-])@(?P<handle>[\w%+-](?:[\w.%+-]*[\w%+-])?(?:@[\w-]+(?:\.[\w-]+)+)?)")


def mention_handles(text: str) -> list[str]:
    """The distinct handles mentioned in ``text``, lowercased, in order of appearance."""
    seen: list[str] = []
    for match in MENTION.finditer(text or ""):
        handle = match.group("handle").lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def split_mentions(text: str) -> Iterator[tuple[str, str | None]]:
    """``text`` cut into pieces ``(piece, handle)``: ``handle`` is the lowercased handle for a mention
    (``piece`` then includes the ``@``) and None for the text between mentions. Joined, the pieces give
    ``text`` back."""
    position = 0
    for match in MENTION.finditer(text or ""):
        if match.start() > position:
            yield text[position : match.start()], None
        yield match.group(0), match.group("handle").lower()
        position = match.end()
    if position < len(text or ""):
        yield text[position:], None


def handle_keys(email: str) -> tuple[str, str]:
    """The two handles that name the owner of ``email``: the full address and its local part."""
    email = email.lower()
    return email, email.split("@", 1)[0]
