"""Key names and the user's key overrides: one table for the key bar, help and palette.

Every binding carries an id (as posting does); a `[keys]` table in the user's config remaps
ids to keys (`start = "x"`), applied through Textual's keymap, and everything that shows a
key reads it through `keys_of`, so what is shown is what works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding, BindingType

# Textual's key names as a person reads them (long form, e.g. for the help screen).
KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "enter": "Enter",
    "escape": "Esc",
    "slash": "/",
    "question_mark": "?",
    "tab": "Tab",
    "space": "Spasi",
}
# The key bar is one line at 80 columns: the shortest forms.
SHORT_NAMES = {**KEY_NAMES, "enter": "⏎"}

# Bindings that move a cursor are shown as one row per direction pair.
MOVES = {"cursor-up", "cursor-down", "cursor-left", "cursor-right"}


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys that trigger the binding now: the user's override, else its default."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def key_text(keys: str, *, short: bool = False) -> str:
    """ "up,k" -> "↑ / k"; with `short`, only the first key ("⏎", "^s")."""
    names = SHORT_NAMES if short else KEY_NAMES
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key.startswith("ctrl+"):
            rest = key.removeprefix("ctrl+")
            shown.append(("^" + rest) if short else ("Ctrl+" + rest.upper()))
        else:
            shown.append(names.get(key, key))
        if short:
            break
    return " / ".join(shown)


def bindings(items: Iterable[BindingType]) -> list[Binding]:
    return [b for b in items if isinstance(b, Binding)]


def binding_rows(items: Iterable[BindingType], keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(keys, description) for the help screen; a board's four cursor moves folded into two
    rows at the top."""
    listed = bindings(items)
    fold = {b.id for b in listed} >= MOVES
    rows: list[tuple[str, str]] = []
    moves: dict[str, str] = {}
    for binding in listed:
        keys = key_text(keys_of(binding, keymap))
        if fold and binding.id in MOVES:
            moves[binding.id] = keys
        else:
            rows.append((keys, binding.description))
    if fold:
        rows[:0] = [
            (f"{moves['cursor-up']}  {moves['cursor-down']}", "kartu atas / bawah"),
            (f"{moves['cursor-left']}  {moves['cursor-right']}", "lane kiri / kanan"),
        ]
    return rows
