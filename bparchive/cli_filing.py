"""Filing commands of the command line: file, tag, folders, directory, report, export.

Who calls it: ``bparchive.cli`` calls :func:`register` once to add these
commands to its group. A thin layer over :mod:`bparchive.services.filing`;
every string that came from mail goes through ``safe()`` before it reaches
the terminal.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

_COMMANDS = ("file", "tag", "folders", "directory", "report", "export")


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date written YYYY-MM-DD.", param_hint=option
        ) from None


def register(main: click.Group) -> None:
    """Add the filing commands to ``main`` (a second call changes nothing)."""
    if all(name in main.commands for name in _COMMANDS):
        return
    from bparchive.cli import Ctx, ProgressPrinter, pass_ctx, safe

    @main.command("file")
    @click.argument("message_id", type=int)
    @click.argument("category")
    @pass_ctx
    def file_cmd(c: Ctx, message_id: int, category: str) -> None:
        """File message MESSAGE_ID under CATEGORY by hand ("auto" gives it back to the rules).

        The decision survives `bparchive reindex`; `bparchive show` then says "rule: manual".
        """
        from bparchive.filing import category_label
        from bparchive.services import filing

        filing.refile(c.ready(), message_id, category)
        cat = category.strip().lower()
        if cat == filing.AUTO:
            click.echo(f"Message {message_id}: filed by the rules again.")
        else:
            click.echo(f"Message {message_id} filed under {cat} ({category_label(cat)}).")

    @main.command("tag", context_settings={"ignore_unknown_options": True})
    @click.argument("message_id", type=int)
    @click.argument("changes", nargs=-1, type=click.UNPROCESSED)
    @pass_ctx
    def tag_cmd(c: Ctx, message_id: int, changes: tuple[str, ...]) -> None:
        """Add (+TAG) and remove (-TAG) tags of MESSAGE_ID; with none, list its tags.

        The processing status of Điều 17 is one of new, assigned, done; adding one
        removes the others. Example: bparchive tag 42 +assigned -new
        """
        from bparchive.services import filing

        add: list[str] = []
        remove: list[str] = []
        for ch in changes:
            if ch.startswith("+") and len(ch) > 1:
                add.append(ch[1:])
            elif ch.startswith("-") and len(ch) > 1:
                remove.append(ch[1:])
            else:
                raise click.UsageError(
                    f"{ch!r}: write +TAG to add a tag and -TAG to remove one "
                    "(e.g. `bparchive tag 42 +assigned -new`)."
                )
        tags = filing.tag(c.ready(), message_id, add, remove)
        click.echo(f"Message {message_id}: " + (", ".join(safe(t) for t in tags) or "no tags"))

    @main.command("folders")
    @click.option("--json", "as_json", is_flag=True, help="The tree as JSON.")
    @pass_ctx
    def folders_cmd(c: Ctx, as_json: bool) -> None:
        """Virtual folders: category → year → month, with message counts."""
        from bparchive.services import filing

        tree = filing.virtual_folders(c.ready())
        if as_json:
            click.echo(json.dumps(tree, ensure_ascii=False, indent=2))
            return
        if not tree:
            click.echo("The archive holds no message yet.")
        for cat in tree:
            click.echo(f"{cat['label_vi']} ({cat['category']}): {cat['count']}")
            for y in cat["years"]:
                label = y["year"] if y["year"] is not None else "không rõ ngày / undated"
                months = "  ".join(f"{m['month']:02d}:{m['count']}" for m in y["months"])
                click.echo(f"  {label}: {y['count']}" + (f"   [{months}]" if months else ""))

    @main.command("directory")
    @click.option("--json", "fmt", flag_value="json", help="JSON list of contacts.")
    @click.option("--csv", "fmt", flag_value="csv", help="CSV (UTF-8, one contact a row).")
    @click.option("--vcard", "fmt", flag_value="vcard", help="vCard 3.0 (for address books).")
    @click.option("--vcard4", "fmt", flag_value="vcard4", help="vCard 4.0.")
    @pass_ctx
    def directory_cmd(c: Ctx, fmt: str | None) -> None:
        """Agencies and people seen in the archive (Điều 5, 6), with message counts."""
        from bparchive.services import filing

        contacts = filing.directory(c.ready())
        if fmt == "json":
            click.echo(json.dumps([x.to_json() for x in contacts], ensure_ascii=False, indent=2))
        elif fmt == "csv":
            _write_raw(filing.directory_csv(contacts))
        elif fmt in ("vcard", "vcard4"):
            _write_raw(filing.directory_vcard(contacts, "4.0" if fmt == "vcard4" else "3.0"))
        else:
            if not contacts:
                click.echo("No correspondent yet.")
            for x in contacts:
                who = safe(x.name) if x.name else ""
                org = f" — {safe(x.agency_name)}" if x.agency_name and x.kind == "person" else ""
                last = (x.last_contact or "")[:10]
                click.echo(
                    f"{x.kind:7} {safe(x.email):42} {who}{org}   "
                    f"sent {x.sent}, received {x.received}, last {last or '-'}"
                )

    @main.command("report")
    @click.option("--since", metavar="YYYY-MM-DD", help="First day (inclusive).")
    @click.option("--until", metavar="YYYY-MM-DD", help="Last day (inclusive).")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "md", "csv", "json"]),
        default="text",
        show_default=True,
    )
    @pass_ctx
    def report_cmd(c: Ctx, since: str | None, until: str | None, fmt: str) -> None:
        """E-mail usage report (Điều 18): volumes, categories, agencies, schedule checks."""
        from bparchive.services import filing
        from bparchive.textsafe import terminal_safe

        s, u = _parse_day(since, "--since"), _parse_day(until, "--until")
        if s and u and s > u:
            raise click.BadParameter("--since is after --until.", param_hint="--since")
        text = filing.render_report(filing.report(c.ready(), s, u), fmt)
        if fmt in ("text", "md") and sys.stdout.isatty():
            text = terminal_safe(text, keep_newlines=True)
        _write_raw(text)

    @main.command("export")
    @click.argument("dest", type=click.Path(file_okay=False))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["maildir", "mbox", "eml", "tree"]),
        required=True,
        help="maildir, mbox, eml: byte-exact; tree: Category/Year/Month.",
    )
    @click.option("--query", "query", metavar="Q", help="Only the messages this search finds.")
    @click.option(
        "--include-secret",
        is_flag=True,
        help="Also export messages that carry a secret mark (MẬT, TỐI MẬT, TUYỆT MẬT).",
    )
    @pass_ctx
    def export_cmd(c: Ctx, dest: str, fmt: str, query: str | None, include_secret: bool) -> None:
        """Export the archive (or a search's hits) into DEST, a new or empty folder."""
        from bparchive.services import filing

        printer = ProgressPrinter()
        try:
            rep = filing.export(
                c.ready(), dest, fmt, query=query, include_secret=include_secret, progress=printer
            )
        finally:
            printer.close()
        click.echo(
            f"Exported {rep.written} messages ({rep.files} files) to {safe(dest)}; "
            f"checksums in {safe(rep.manifest_path.name)}."
        )
        if rep.attachments:
            click.echo(f"  {rep.attachments} attachments written beside their messages.")
        if rep.skipped_secret:
            click.echo(
                f"  {rep.skipped_secret} messages with a secret mark were left out "
                "(--include-secret exports them).",
                err=True,
            )
        for p in rep.problems[:20]:
            click.echo(f"  problem: {safe(p)}", err=True)


def _write_raw(text: str) -> None:
    """Write ``text`` as UTF-8 whatever the terminal's encoding (CSV, vCard, reports)."""
    out: Any = sys.stdout
    buf = getattr(out, "buffer", None)
    if buf is not None:
        out.flush()
        buf.write(text.encode("utf-8"))
        buf.flush()
    else:  # click's test runner gives a text stream
        out.write(text)
