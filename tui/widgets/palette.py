"""The colours and border shapes of the board's cards, read from the stylesheet once.

The row of lanes carries them as component classes (`lanes--<look>` in app.tcss): one set
for the whole board, so focusing a lane or opening the board styles a handful of virtual
nodes, not a set per lane. The shape is the stylesheet's border type: heavy under the
cursor, double for the current step, so a terminal without colour still tells them apart.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from rich.style import Style
from textual.color import Color
from textual.widget import Widget

# corners (top-left, top-right, bottom-left, bottom-right), horizontal, vertical
BORDERS = {
    "round": ("╭", "╮", "╰", "╯", "─", "│"),
    "solid": ("┌", "┐", "└", "┘", "─", "│"),
    "double": ("╔", "╗", "╚", "╝", "═", "║"),
    "heavy": ("┏", "┓", "┗", "┛", "━", "┃"),
    "ascii": ("+", "+", "+", "+", "-", "|"),
}
LOOKS = ("belum", "berjalan", "selesai", "dikembalikan", "current", "current-returned", "cursor")
EXTRAS = ("title", "muted", "late", "match", "dim")
BOLD = Style(bold=True)


class CardLook(NamedTuple):
    """A card's styles: its text, its border, the labels on the border (number, KINI) and
    the border's characters. (A NamedTuple: defining a dataclass takes most of a
    millisecond, and this module is imported on the way to the board's first frame.)"""

    text: Style
    border: Style
    title: Style
    subtitle: Style
    chars: tuple[str, str, str, str, str, str]


class Palette:
    """The looks of `owner`'s component classes `<prefix>--<name>`, resolved on first use."""

    def __init__(self, owner: Widget, prefix: str) -> None:
        self.owner = owner
        self.prefix = prefix
        # look -> (text, border, border characters), as the stylesheet gives them
        self._looks: dict[str, tuple[Style, Style, tuple[str, str, str, str, str, str]]] = {}
        self._styles: dict[str, Style] = {}
        self._cards: dict[tuple[str, bool | None, bool], CardLook] = {}

    def style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.owner.get_component_rich_style(f"{self.prefix}--{name}")
            self._styles[name] = style
        return style

    def _look(self, name: str) -> tuple[Style, Style, tuple[str, str, str, str, str, str]]:
        look = self._looks.get(name)
        if look is None:
            text = self.style(name)
            kind, color = self.owner.get_component_styles(f"{self.prefix}--{name}").border.top
            under = Color.from_rich_color(text.bgcolor) if text.bgcolor else Color(0, 0, 0)
            border = text + Style(color=(under + color).rich_color)
            look = self._looks[name] = (text, border, BORDERS.get(kind, BORDERS["round"]))
        return look

    def card(self, name: str, matched: bool | None, late: bool) -> CardLook:
        """A card's styles in look `name`, with the search's and lateness's marks: worked
        out once per board for each kind of card, not per card drawn."""
        key = (name, matched, late)
        found = self._cards.get(key)
        if found is None:
            text, border, chars = self._look(name)
            if matched is False:  # the search leaves it out
                text += Style(color=self.style("dim").color)
            title = border + BOLD
            if matched:
                title += self.style("match")
            subtitle = border + BOLD
            if late:
                subtitle += Style(color=self.style("late").color)
            found = self._cards[key] = CardLook(text, border, title, subtitle, chars)
        return found


class HasPalette(Protocol):
    @property
    def palette(self) -> Palette: ...
