"""A one-line key bar. Textual's Footer rebuilds itself on every focus change, which costs
more than the rest of a cursor move; the keys of a screen never change, so this draws once
per width.

Every key the screen's bindings mark `show` is on it, as the user's key overrides have them:
as many with their words as the width allows, the rest as keys alone, and `?` (help, every
key with its words) always last and always with its word. At 80 columns nothing is cut off.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from soptrack.tui.keys import bindings, key_text, keys_of
from soptrack.tui.navigation import navigator


class KeyBar(Static):
    def on_mount(self) -> None:
        keymap = navigator(self).key_overrides
        self.entries: list[tuple[str, str]] = []
        self.help: tuple[str, str] | None = None
        seen: set[str] = set()
        for owner in (self.screen, self.app):
            for binding in bindings(owner.BINDINGS):
                keys = keys_of(binding, keymap)
                if not binding.show or keys in seen:
                    continue
                if owner is self.app and not self.app.check_action(binding.action, ()):
                    continue  # e.g. "Tinggalkan CONTOH" outside the sample
                seen.add(keys)
                shown = binding.key_display or key_text(keys, short=True)
                if binding.id == "help":
                    self.help = (shown, binding.description)
                elif binding.id == "leave-demo":
                    self.entries.insert(0, (shown, binding.description))  # words first
                else:
                    self.entries.append((shown, binding.description))
        self.draw(self.size.width or self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        if hasattr(self, "entries"):
            self.draw(event.size.width)

    def draw(self, width: int) -> None:
        self.update(render_keys(self.entries, self.help, width))


def render_keys(entries: list[tuple[str, str]], help: tuple[str, str] | None, width: int) -> Text:
    """The first k entries with their words, the others as keys alone, k as large as fits."""

    def full(entry: tuple[str, str]) -> int:
        return len(entry[0]) + len(entry[1]) + 3

    def bare(entry: tuple[str, str]) -> int:
        return len(entry[0]) + 2

    budget = width - (full(help) if help else 0)
    words = 0
    while words < len(entries):
        need = sum(map(full, entries[: words + 1])) + sum(map(bare, entries[words + 1 :]))
        if need > budget:
            break
        words += 1
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (key, description) in enumerate(entries):
        text.append(f" {key} ", style="bold reverse")
        if index < words:
            text.append(f"{description} ")
    if help:
        text.append(f" {help[0]} ", style="bold reverse")
        text.append(f"{help[1]} ")
    return text
