"""What screens ask of the app, typed, without importing the app module (which imports the
screens): the app implements this protocol."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, cast

from textual.dom import DOMNode


class Navigator(Protocol):
    key_overrides: Mapping[str, str]

    def action_new_run(self) -> None: ...

    def action_open_demo(self) -> None: ...

    def open_board(self, run_id: str) -> None: ...

    def show_overview(self) -> None: ...


def navigator(node: DOMNode) -> Navigator:
    return cast(Navigator, node.app)
