"""A one-line key bar. Textual's Footer rebuilds itself on every focus change, which costs
more than the rest of a cursor move; the keys of a screen never change, so this draws once.

It shows every key the screen's bindings mark `show`, as the user's key overrides have them.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from soptrack.tui.keys import bindings, key_text, keys_of
from soptrack.tui.navigation import navigator


class KeyBar(Static):
    def on_mount(self) -> None:
        keymap = navigator(self).key_overrides
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for owner in (self.screen, self.app):
            for binding in bindings(owner.BINDINGS):
                keys = keys_of(binding, keymap)
                if not binding.show or keys in seen:
                    continue
                seen.add(keys)
                shown = binding.key_display or key_text(keys, short=True)
                text.append(f" {shown} ", style="bold reverse")
                text.append(f"{binding.description} ")
        self.update(text)
