"""Screens of the TUI, one per module; modals end in ``Modal`` (STYLE habit 2)."""
