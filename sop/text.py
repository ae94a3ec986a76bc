"""Text that enters soptrack (SOP files, titles, notes, settings) and text it prints.

Everything users type or paste ends up in a JSON file, a .docx (XML) and a terminal. Control
characters are removed before text is stored or printed: in XML they are illegal, in a
terminal ESC, BEL and the C1 controls move the cursor, retitle the window or ring the bell;
the bidi overrides make a text show as another.
Sizes are bounded where text enters, so one pasted file cannot slow every later command.
"""

from __future__ import annotations

import functools
import re

from soptrack.sop.errors import BadInput

# C0 controls except tab and newline, DEL, the C1 controls, lone surrogates, the two
# non-characters XML refuses; \r is dropped too (a lone CR rewrites the terminal line).
# The bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) go too: a
# RIGHT-TO-LEFT OVERRIDE shows 'fdp.exe' as 'exe.pdf' and reorders a title, a name, a NIP in
# a table or a signed letter; no Latin-script office text needs them (the performance
# form's cells drop the same ones).
_ILLEGAL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
# The same for ASCII text, which holds no other (every SOP file soptrack ships, most
# titles): compiled in a tenth of the time. The whole class spans code points past U+00FF,
# which the regex compiler turns into a 64K-bit map, 0.5 ms of every start; it is compiled
# when the first non-ASCII text comes.
_ILLEGAL_ASCII = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\s*[\n\t]\s*")

MAX_TITLE = 300  # a run title, a setting: one line in a table or a letter
MAX_NOTE = 10_000  # a note or a return reason: a few paragraphs
MAX_SETTING = 2_000  # one office setting (alamat, a name, a letter pattern)
MAX_SOP_FIELD = 10_000  # one text field of an SOP file
MAX_SOP_FILE = 1_000_000  # bytes of one SOP file (the shipped ones are ~10 KB)


@functools.cache
def _illegal_any() -> re.Pattern[str]:
    return re.compile(_ILLEGAL)


def _illegal(text: str) -> re.Pattern[str]:
    return _ILLEGAL_ASCII if text.isascii() else _illegal_any()


def clean_text(text: str) -> str:
    """Strip control characters (keeping tab and newline) and surrounding space."""
    return _illegal(text).sub("", text).strip()


def clean_line(text: str) -> str:
    """clean_text on one line: tabs and line breaks become single spaces."""
    return _LINE_BREAKS.sub(" ", clean_text(text))


def printable(text: object) -> str:
    """What may reach a terminal: user data printed by the CLI, never an escape sequence."""
    shown = str(text)
    return _illegal(shown).sub("", shown)


def check_length(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise BadInput(
            f"{what} terlalu panjang ({len(text):,} karakter, paling banyak {limit:,})".replace(
                ",", "."
            )
        )
    return text
