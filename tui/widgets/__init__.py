"""Widgets of the soptrack app, one per module."""
