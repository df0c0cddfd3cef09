"""Reusable widgets of the TUI, one per module (STYLE habit 3)."""
