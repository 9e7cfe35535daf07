"""Text from outside (a server's answer, a file) made safe to print or show: keys and tokens redacted, control
characters escaped visibly, length capped.

Qt-free. A terminal obeys ESC, BEL, CR, C1 codes and bidi overrides in what it prints, so a server could rewrite
the screen or disguise a message; each such character is shown as its Python escape (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import json

from realtime_gui.redaction import redact

# Enough for any real error message or id; a server that sends megabytes does not get to fill the screen.
DEFAULT_LIMIT = 2000
_NOTE_ROOM = 40  # the "… (N more characters)" note: text cut once is not cut again


# Spaces other than the ASCII one (Unicode's Zs): Python calls them unprintable, but a terminal only draws them.
# Kept, so that Japanese text keeps its ideographic spaces and French its no-break ones.
_SPACES = frozenset("\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))))


def _unsafe(char: str, keep: str) -> bool:
    return not char.isprintable() and char not in _SPACES and char not in keep


def escape_controls(text: str, *, keep: str = "") -> str:
    """`text` with every character a terminal may act on replaced by its escape: all that Python calls
    unprintable (C0, DEL, C1, bidi and other format characters, lone surrogates, unassigned code points, line and
    paragraph separators) except spaces; characters in `keep` (e.g. "\\n") stay as they are."""
    if text.isprintable():
        return text
    # One look at each distinct character, then one C-speed pass: a server's megabyte costs milliseconds.
    table = {ord(c): _escape(c) for c in set(text) if _unsafe(c, keep)}
    return text.translate(table) if table else text


def json_text(value: object, *, ascii_only: bool) -> str:
    """`value` as indented JSON with no character a terminal or a text widget may act on; still valid JSON.

    `ascii_only` escapes all non-ASCII too (what scripts reading `--output json` expect); otherwise text in any
    script stays readable and only the unsafe characters become `\\uXXXX` escapes."""
    text = json.dumps(value, indent=2, ensure_ascii=ascii_only)
    # json.dumps escapes C0 inside strings but not DEL, C1, bidi or lone surrogates (without ensure_ascii), and
    # those can only occur inside strings, where a \uXXXX escape means the same character.
    table = {ord(c): _json_escape(c) for c in set(text) if _unsafe(c, "\n")}
    return text.translate(table) if table else text


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # beyond the BMP: a UTF-16 surrogate pair, as JSON spells it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


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


def as_sentence(text: str) -> str:
    """A message shared with the CLI (which prints it after "realtime-gui: ") as a sentence of its own."""
    return text[:1].upper() + text[1:]
