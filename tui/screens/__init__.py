"""Screens of the soptrack app, one per module; imported lazily by tui.app."""
