"""A one-line key bar. Textual's Footer rebuilds itself on every focus change, which costs
more than the rest of a cursor move; the keys of a screen never change, so this draws once."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

_KEYS = {"question_mark": "?", "slash": "/", "enter": "⏎", "escape": "Esc"}


def _key(binding: Binding) -> str:
    first = binding.key.split(",")[0].strip()
    if binding.key_display:
        return binding.key_display
    if first.startswith("ctrl+"):
        return "^" + first.removeprefix("ctrl+")
    return _KEYS.get(first, first)


class KeyBar(Static):
    def on_mount(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for owner in (self.screen, self.app):
            for binding in owner.BINDINGS:
                if not isinstance(binding, Binding) or not binding.show:
                    continue
                if binding.key in seen:
                    continue
                seen.add(binding.key)
                text.append(f" {_key(binding)} ", style="bold reverse")
                text.append(f"{binding.description} ")
        self.update(text)
