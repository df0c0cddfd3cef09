"""The full-screen terminal interface (Textual), a thin front end over :mod:`bparchive.services`.

``bparchive`` with no command calls :func:`bparchive.tui.app.run_app`; ``bparchive demo``
does too after building a demo archive. Importing this package loads nothing:
Textual is only imported by ``bparchive.tui.app`` and the modules it uses.
"""
