"""The ``bparchive demo`` command (and the hook that adds it to the CLI).

cli.py calls :func:`register` on its click group; ``demo`` builds a demo
archive (``services.demo.build_demo``) and opens the TUI on it through
``bparchive.tui.app.run_app``, imported only then so that other commands
never load Textual.
"""

from __future__ import annotations

from typing import Any

import click


def register(main: click.Group) -> None:
    """Add the ``demo`` command to the ``bparchive`` group."""
    main.add_command(demo)


@click.command()
@click.option(
    "--home",
    "demo_home",
    type=click.Path(file_okay=False),
    help="Build the demo here (a new or empty folder). Default: a new folder under your data folder.",
)
@click.option(
    "--no-tui", is_flag=True, help="Only build the demo archive; do not open the interface."
)
@click.pass_context
def demo(ctx: click.Context, demo_home: str | None, no_tui: bool) -> None:
    """Build a demo archive of Vietnamese official mail and open it."""
    from bparchive.cli import ProgressPrinter
    from bparchive.services.demo import build_demo, new_demo_home

    group_home = ctx.parent.params.get("home") if ctx.parent is not None else None
    home = demo_home or group_home or str(new_demo_home())
    click.echo(f"Building the demo archive in {home} …", err=True)
    printer = ProgressPrinter()
    try:
        archive = build_demo(home, progress=printer)
    finally:
        printer.close()
    n = _count(archive)
    click.echo(f"Demo archive ready: {n} messages in {home}")
    click.echo(f"Open it again later with: bparchive --home {home}")
    if no_tui:
        return
    try:
        from bparchive.tui.app import run_app
    except ImportError as e:  # pragma: no cover - textual is a dependency
        raise click.ClickException(f"The interface cannot start: {e}") from e
    run_app(archive)


def _count(archive: Any) -> int:
    """Distinct messages (a message filed in two folders counts once)."""
    return int(archive.store.counts()["messages"])
