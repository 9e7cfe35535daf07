"""Text from outside (a server's answer, a file) made safe to print or show: keys and tokens redacted, control
characters escaped visibly, length capped.

Qt-free. A terminal obeys ESC, BEL, CR, C1 codes and bidi overrides in what it prints, so a server could rewrite
the screen or disguise a message; each such character is shown as its Python escape (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

from realtime_gui.secrets import redact

# Enough for any real error message or id; a server that sends megabytes does not get to fill the screen.
DEFAULT_LIMIT = 2000
_NOTE_ROOM = 40  # the "… (N more characters)" note: text cut once is not cut again


def escape_controls(text: str, *, keep: str = "") -> str:
    """`text` with every character Python calls unprintable (Unicode's Other and Separator categories: C0, DEL,
    C1, bidi and other format characters, lone surrogates, unassigned code points, line separators, spaces other
    than the ASCII one) replaced by its escape; characters in `keep` (e.g. "\\n") stay as they are."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else _escape(c) for c in text)


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: str, *secrets: str, multiline: bool = False, limit: int | None = DEFAULT_LIMIT) -> str:
    """`text` as it may be printed or shown: secrets redacted (those given, those remembered, and anything shaped
    like a key or token), control characters escaped (newlines kept when `multiline`), at most `limit` characters.
    Idempotent, so text cleaned once may safely be cleaned again where it is printed."""
    # Redacted before it is cut: cutting first could leave most of a key that no longer matches.
    clean = escape_controls(redact(text, *secrets), keep="\n" if multiline else "")
    if limit is not None and len(clean) > limit + _NOTE_ROOM:
        clean = f"{clean[:limit]}… ({len(clean) - limit} more characters)"
    return clean
