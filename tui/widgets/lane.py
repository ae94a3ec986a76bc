"""One Pelaksana lane of the board: its title and its cards, drawn by one widget.

A widget per card made the board's first frame the slowest part of opening a run (about 45
widgets to style and lay out for 13 steps); a lane draws its cards as lines instead (Textual's
Line API) and scrolls on its own. The lane, not a card, takes the focus: the focused lane shows
its cursor card with the heavy border. The board owns the keys and says which card is under
the cursor; the lane only draws, scrolls and tells which card a click landed on.
"""

from __future__ import annotations

import textwrap

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from soptrack.sop.model import Lane
from soptrack.tui.widgets.card import Card
from soptrack.tui.widgets.palette import HasPalette, Palette

TITLE_ROWS = 2


class LaneColumn(ScrollView, can_focus=True, inherit_bindings=False):
    """The board's arrow keys are the board's: the lane binds none of its own. Its colours
    are its parent's palette (the row of lanes), one for the whole board."""

    class Clicked(Message):
        """A card was clicked: the board puts its cursor there."""

        def __init__(self, lane: LaneColumn, number: int) -> None:
            super().__init__()
            self.lane = lane
            self.number = number

    def __init__(self, lane: Lane, cards: list[Card], also: list[int]) -> None:
        super().__init__(id=f"lane-{lane.id}", classes="lane" if cards else "lane -empty")
        self.lane = lane
        self.cards = cards
        self.also = also
        self.cursor: int | None = cards[0].number if cards else None
        self.can_focus = bool(cards)  # Tab never lands where there is no card
        # The lines below the title and each card's (top, height), for (width, cursor shown,
        # version); `version` counts the changes of the cards' statuses and matches.
        self._drawn: tuple[tuple[int, int | None, int], list[Strip], dict[int, tuple[int, int]]]
        self._drawn = ((-1, None, -1), [], {})
        self._version = 0
        # each card's lines as last drawn, with what they were drawn for: a cursor move draws
        # two cards again, not the lane
        self._card_strips: dict[int, tuple[tuple[object, ...], list[Strip]]] = {}
        self._title: tuple[int, list[Strip]] = (-1, [])
        self._scroll_target: int | None = None
        self._width_of: tuple[Size, int] = (Size(-1, -1), 1)
        # (text width, blank line) while render_lines draws: what every line asks, once
        self._pass: tuple[int, Strip | None] | None = None

    # -- what the board asks ------------------------------------------------------------------

    def card(self, number: int) -> Card | None:
        return next((card for card in self.cards if card.number == number), None)

    def changed(self) -> None:
        """A card's status or search match changed: draw again (sizes may change too)."""
        self._version += 1
        self._sync_size()
        self.refresh()
        if self.has_focus and self.cursor is not None:
            self.call_after_refresh(self.scroll_to_card, self.cursor)

    def put_cursor(self, number: int) -> None:
        if number != self.cursor:
            self.cursor = number
            self.refresh()

    def scroll_to_card(self, number: int) -> None:
        """Bring the card into view at once (no scroll animation over SSH); before the lane
        is laid out, as soon as it is."""
        if not self.size:
            self._scroll_target = number
            return
        self._scroll_target = None
        self._sync_size()
        _, _, places = self._draw()
        if number not in places:
            return
        top, height = places[number]
        rows = max(1, self.scrollable_content_region.height - TITLE_ROWS)
        y = self.scroll_offset.y
        if top < y:
            y = top
        elif top + height > y + rows:
            y = min(top, top + height - rows)
        # force: right after the lane is sized its scrollbar may not be shown yet
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def card_region(self, number: int) -> Region | None:
        """Where the card is on the screen now (None when scrolled out of view)."""
        _, _, places = self._draw()
        if number not in places:
            return None
        top, height = places[number]
        content = self.scrollable_content_region
        y = content.y + TITLE_ROWS + top - self.scroll_offset.y
        region = Region(content.x, y, content.width, height)
        visible = region.intersection(content)
        return visible if visible.area else None

    def card_lines(self, number: int) -> list[str]:
        """One card as drawn, border included (what the user reads of it)."""
        _, lines, places = self._draw()
        top, height = places[number]
        return [strip.text for strip in lines[top : top + height]]

    # -- drawing ------------------------------------------------------------------------------

    def on_resize(self) -> None:
        # also the first layout: the width is known only from here on
        self._sync_size()
        if self._scroll_target is not None:
            self.scroll_to_card(self._scroll_target)
        elif self.has_focus and self.cursor is not None:
            # cards change height with the width: keep the cursor's card in view
            self.call_after_refresh(self.scroll_to_card, self.cursor)

    def repaint(self) -> None:
        """The palette changed (a theme): draw every line again."""
        self._version += 1
        self._card_strips.clear()
        self._title = (-1, [])
        self.refresh()

    @property
    def palette(self) -> Palette:
        owner: HasPalette = self.parent  # type: ignore[assignment]
        return owner.palette

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self.refresh()  # the cursor shows

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.refresh()

    def _sync_size(self) -> None:
        width = self._width()
        _, lines, _ = self._draw()
        size = Size(width, TITLE_ROWS + len(lines))
        if size != self.virtual_size:
            self.virtual_size = size

    def _width(self) -> int:
        # the vertical scrollbar's column is always kept (scrollbar-gutter: stable), so the
        # width text is wrapped for never depends on how tall the cards turn out; worked out
        # once per size, and once per pass of render_lines (a widget's size is looked up
        # through the screen, and every drawn line asks)
        if self._pass is not None:
            return self._pass[0]
        size = self.size
        if self._width_of[0] != size:
            self._width_of = (size, max(1, self.scrollable_content_region.width))
        return self._width_of[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass = (self._width(), None)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def _blank(self, width: int) -> Strip:
        """A line below the cards (its style too is looked up through the DOM: once a pass)."""
        if self._pass is None:
            return Strip.blank(width, self.rich_style)
        blank = self._pass[1]
        if blank is None:
            blank = Strip.blank(width, self.rich_style)
            self._pass = (width, blank)
        return blank

    def render_line(self, y: int) -> Strip:
        width = self._width()
        if y < TITLE_ROWS:
            titles = self._title_strips()
            return titles[y] if y < len(titles) else self._blank(width)
        _, lines, _ = self._draw()
        index = self.scroll_offset.y + y - TITLE_ROWS
        if 0 <= index < len(lines):
            return lines[index]
        return self._blank(width)

    def on_click(self, event: events.Click) -> None:
        if event.y < TITLE_ROWS:
            return
        row = self.scroll_offset.y + event.y - TITLE_ROWS
        _, _, places = self._draw()
        for number, (top, height) in places.items():
            if top <= row < top + height:
                self.post_message(self.Clicked(self, number))
                return

    def _title_strips(self) -> list[Strip]:
        width = self._width()
        if self._title[0] != width:
            style = self.palette.style("title")
            pad = 0 if self.has_class("-empty") else 1
            text = f"{self.lane.name} ({len(self.cards)})"
            room = max(1, width - 2 * pad)
            rows = textwrap.wrap(text, room, break_long_words=False) or [""]
            if len(rows) > TITLE_ROWS:
                rows = [*rows[: TITLE_ROWS - 1], " ".join(rows[TITLE_ROWS - 1 :])]
            rows += [""] * (TITLE_ROWS - len(rows))  # cut with "…" when drawn
            strips = [_padded(row, width, pad, style) for row in rows]
            self._title = (width, strips)
        return self._title[1]

    def _draw(
        self,
    ) -> tuple[tuple[int, int | None, int], list[Strip], dict[int, tuple[int, int]]]:
        width = self._width()
        shown = self.cursor if self.has_focus else None
        key = (width, shown, self._version)
        if self._drawn[0] != key:
            lines: list[Strip] = []
            places: dict[int, tuple[int, int]] = {}
            for card in self.cards:
                look = card.look(card.number == shown)
                drawn_for = (width, look, card.matched, card.status)
                cached = self._card_strips.get(card.number)
                if cached is None or cached[0] != drawn_for:
                    cached = (drawn_for, self._card(card, width, look))
                    self._card_strips[card.number] = cached
                strips = cached[1]
                places[card.number] = (len(lines), len(strips))
                lines += strips
            muted = self.palette.style("muted")
            pad = 0 if self.has_class("-empty") else 1
            words = ["kosong"] if not self.cards else []
            if self.also:
                words.append("ikut: " + ", ".join(str(n) for n in self.also))
            for word in words:
                for row in textwrap.wrap(word, max(1, width - 2 * pad)):
                    lines.append(_padded(row, width, pad, muted))
            self._drawn = (key, lines, places)
        return self._drawn

    def _card(self, card: Card, width: int, name: str) -> list[Strip]:
        look = self.palette.card(name, card.matched, card.status.late)
        text_style, border_style = look.text, look.border
        left_top, right_top, left_bottom, right_bottom, across, side = look.chars
        inner = max(1, width - 2)
        top = _edge((left_top, right_top), across, card.title, inner, border_style, look.title)
        bottom = _edge(
            (left_bottom, right_bottom),
            across,
            card.subtitle,
            inner,
            border_style,
            look.subtitle,
            on_right=True,
        )
        strips = [top]
        body_width = max(1, inner - 2)
        left, right = Segment(side, border_style), Segment(side, border_style)
        space = Segment(" ", text_style)
        for text, style in card.lines(body_width):
            segments = [left, space, *_fit(text, body_width, text_style, style), space, right]
            strips.append(Strip(segments, width))
        strips.append(bottom)
        return strips


def _fit(text: str, width: int, base: Style, style: Style | None = None) -> list[Segment]:
    """`text` in `style` on `base`, cut with "…" or filled with spaces to exactly `width`
    cells, as rich's Text.truncate(overflow="ellipsis", pad=True) would, without a Console
    render per line."""
    length = cell_len(text)
    if length > width:
        text, fill = set_cell_size(text, width - 1) + "…", ""
    else:
        fill = " " * (width - length)
    if style is None or not text:
        return [Segment(text + fill, base)]
    if not fill:
        return [Segment(text, base + style)]
    return [Segment(text, base + style), Segment(fill, base)]


def _padded(text: str, width: int, pad: int, style: Style) -> Strip:
    segments = [Segment(" " * pad, style)] if pad else []
    segments += _fit(text, max(1, width - 2 * pad), style)
    if pad:
        segments.append(Segment(" " * pad, style))
    return Strip(segments).adjust_cell_length(width, style)


def _edge(
    corners: tuple[str, str],
    across: str,
    label: str,
    inner: int,
    style: Style,
    label_style: Style,
    *,
    on_right: bool = False,
) -> Strip:
    """A top or bottom border with its label: `╭─ 3 ───╮`, or `╰─── KINI ─╯` on the right."""
    left, right = corners
    label = label[: max(0, inner - 4)]
    if not label:
        return Strip([Segment(left + across * inner + right, style)])
    fill = inner - len(label) - 3
    before, after = (fill, 1) if on_right else (1, fill)
    return Strip(
        [
            Segment(left + across * before + " ", style),
            Segment(label, label_style),
            Segment(" " + across * after + right, style),
        ]
    )
