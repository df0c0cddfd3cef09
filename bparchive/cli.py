"""The command line (click). A thin layer over :mod:`bparchive.services`.

``bparchive`` with no command opens the TUI (imported lazily, so that
``bparchive search`` never loads Textual).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from bparchive import __version__
from bparchive.errors import BPArchiveError
from bparchive.progress import ProgressEvent

log = logging.getLogger("bparchive")


class _QuietFileHandler(logging.FileHandler):
    """The log file, which must never turn a clear error into a traceback.

    On a full disk the log cannot be written either; the command's own message
    says what happened, so a failed log write is dropped instead of printed.
    """

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def _setup_logging(archive: Any, verbose: int) -> None:
    root = logging.getLogger("bparchive")
    root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    try:
        archive.paths.ensure()
        fh = _QuietFileHandler(archive.paths.log_file, encoding="utf-8")
        os.chmod(archive.paths.log_file, 0o600)
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError:
        pass
    if verbose:
        sh = logging.StreamHandler(sys.stderr)
        sh.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(sh)


def safe(text: object) -> str:
    """Untrusted text for a terminal: control and bidi characters made visible."""
    from bparchive.textsafe import terminal_safe

    return terminal_safe(str(text))


def dumps(obj: Any) -> str:
    """JSON for stdout: readable Vietnamese, but control and bidi characters escaped.

    ``ensure_ascii=False`` keeps C1 controls and bidi overrides raw, and JSON is
    often piped to a terminal; they only occur inside strings, where a \\uXXXX
    escape is valid JSON.
    """
    from bparchive.textsafe import BIDI

    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    return "".join(
        f"\\u{ord(ch):04x}" if (0x7F <= ord(ch) < 0xA0 or ch in BIDI) else ch for ch in text
    )


class Ctx:
    def __init__(self, home: str | None, verbose: int) -> None:
        from bparchive.services import Archive

        self.archive = Archive(home)
        self.verbose = verbose
        self._log_ready = False

    def ready(self) -> Any:
        if not self._log_ready:
            _setup_logging(self.archive, self.verbose)
            self._log_ready = True
        return self.archive


pass_ctx = click.make_pass_decorator(Ctx)


def _fail(e: BPArchiveError) -> None:
    click.echo(f"{e.title}: {safe(e)}", err=True)
    sys.exit(e.exit_code)


class Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BPArchiveError as e:
            _fail(e)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=Group, invoke_without_command=True)
@click.option("--home", type=click.Path(file_okay=False), envvar="BPARCHIVE_HOME",
              help="Keep config and data in this folder (default: the platform's usual places).")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.version_option(__version__, prog_name="bparchive")
@click.pass_context
def main(ctx: click.Context, home: str | None, verbose: int) -> None:
    """bparchive: an offline archive of official e-mail, searchable in Vietnamese."""
    os.umask(0o077)  # every file bparchive creates is readable by its owner only
    ctx.obj = Ctx(home, verbose)
    if ctx.invoked_subcommand is None:
        try:
            from bparchive.tui.app import run_app
        except ImportError:
            click.echo(ctx.get_help())
            return
        run_app(ctx.obj.ready())


# -- accounts --------------------------------------------------------------

@main.group()
def account() -> None:
    """Add, list and remove mail accounts."""


@account.command("add")
@click.argument("name")
@click.option("--host", help="IMAP server host name.")
@click.option("--port", type=int, help="Port (993 for tls, 143 for starttls/plain).")
@click.option("--user", help="Login name.")
@click.option("--security", type=click.Choice(["tls", "starttls", "plain"]), default="tls", show_default=True)
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False), help="Trust this CA certificate (PEM).")
@click.option("--kind", type=click.Choice(["agency", "personal"]), default="personal", show_default=True)
@click.option("--password-env", metavar="VAR", help="Read the password from this environment variable.")
@click.option("--password-command", metavar="CMD", help='Run CMD to get the password (e.g. "pass show mail/work").')
@click.option("--keyring", "use_keyring", is_flag=True, help="Read the password from the system keyring.")
@click.option("--include", multiple=True, metavar="GLOB", help="Only folders matching (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip folders matching (repeatable).")
@click.option("--schedule", multiple=True, metavar="HH:MM", help="Sync times for --watch (default: Điều 8).")
@click.option("--replace", is_flag=True, help="Replace an existing account of that name.")
@pass_ctx
def account_add(c: Ctx, name: str, host: str | None, port: int | None, user: str | None, security: str,
                cafile: str | None, kind: str, password_env: str | None, password_command: str | None,
                use_keyring: bool, include: tuple[str, ...], exclude: tuple[str, ...],
                schedule: tuple[str, ...], replace: bool) -> None:
    """Add an IMAP account NAME (no password is ever written to disk)."""
    from bparchive.config import Account
    from bparchive.errors import ConfigError

    if not host or not user:
        raise ConfigError("An IMAP account needs --host and --user.")
    if sum(bool(x) for x in (password_env, password_command, use_keyring)) != 1:
        raise ConfigError(
            "Choose exactly one password source: --password-env VAR, --password-command CMD or --keyring."
        )
    if security == "plain":
        click.echo("Warning: security=plain sends your password unencrypted over the network.", err=True)
    acc = Account(
        name=name, host=host, port=port or (993 if security == "tls" else 143), user=user,
        security=security, cafile=str(Path(cafile).absolute()) if cafile else "", kind=kind,
        include=include or ("*",), exclude=exclude, password_env=password_env or "",
        password_command=password_command or "", keyring=use_keyring, schedule=tuple(sorted(schedule)),
    )
    archive = c.ready()
    if use_keyring:
        from bparchive import secrets

        if secrets._keyring_module() is None:
            from bparchive.errors import PasswordError

            raise PasswordError(
                "No system keyring is available on this machine (common over SSH). "
                "Use --password-env VAR or --password-command CMD instead."
            )
        if sys.stdin.isatty():
            pw = click.prompt(f"Password for {user}@{host}", hide_input=True)
            secrets.store_in_keyring(acc, pw)
    archive.add_account(acc, replace=replace)
    click.echo(f"Account {name} added ({security}, {kind}). Run `bparchive sync {name}`.")


@account.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def account_list(c: Ctx, as_json: bool) -> None:
    """List the configured accounts."""
    from bparchive.config import account_to_table

    accs = c.ready().settings.accounts
    if as_json:
        click.echo(dumps({"accounts": [{"name": a.name, **account_to_table(a)} for a in accs]}))
        return
    if not accs:
        click.echo("No accounts. Add one with `bparchive account add NAME --host … --user …`.")
    for a in accs:
        where = f"{a.user}@{a.host}:{a.port} ({a.security})" if not a.is_local else "local (imported)"
        click.echo(f"{safe(a.name):20} {a.kind:9} {safe(where)}")


@account.command("remove")
@click.argument("name")
@pass_ctx
def account_remove(c: Ctx, name: str) -> None:
    """Remove account NAME from the config (its archived mail is kept)."""
    c.ready().remove_account(name)
    click.echo(f"Account {name} removed from the configuration; its archived mail is kept.")


# -- sync --------------------------------------------------------------------

class ProgressPrinter:
    """Per-folder progress: a live line on a terminal, plain log lines otherwise."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started: dict[tuple[str, str], float] = {}
        self.last_line = 0.0
        self.current: tuple[str, str] | None = None

    def __call__(self, ev: ProgressEvent) -> None:
        key = (ev.account, ev.folder)
        now = time.monotonic()
        self.started.setdefault(key, now)
        if ev.stage != "sync":
            if self.tty and ev.stage in ("ingest", "index") and now - self.last_line > 0.2:
                self._live(f"{ev.stage}: {ev.done}" + (f"/{ev.total}" if ev.total else ""))
                self.last_line = now
            elif not self.tty and ev.total is not None and ev.done == ev.total and ev.total:
                print(f"{ev.stage}: {ev.done} done", file=self.stream)
            return
        elapsed = max(now - self.started[key], 1e-6)
        rate = ev.bytes_done / elapsed
        line = f"{safe(ev.account)}/{safe(ev.folder)}: {ev.done}" + (f"/{ev.total}" if ev.total is not None else "")
        line += f" msgs, {ev.bytes_done / 1e6:.1f} MB, {rate / 1e6:.1f} MB/s"
        if ev.bytes_total and rate > 0:
            left = max(ev.bytes_total - ev.bytes_done, 0) / rate
            line += f", {int(left // 60)}:{int(left % 60):02d} left"
        if ev.message:
            line += f" ({safe(ev.message)})"
        finished = ev.total is not None and ev.done >= ev.total
        if self.tty:
            if finished or now - self.last_line > 0.1:
                self._live(line)
                self.last_line = now
            if finished:
                self.stream.write("\n")
                self.stream.flush()
        elif finished:
            print(line, file=self.stream)

    def _live(self, line: str) -> None:
        width = 100
        self.stream.write("\r" + line[:width].ljust(width))
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def _print_reports(reports: list[Any]) -> int:
    code = 0
    for r in reports:
        code = max(code, r.exit_code)
        if r.fatal:
            click.echo(f"{safe(r.account)}: FAILED: {safe(r.fatal)}", err=True)
            continue
        fetched = sum(f.fetched for f in r.folders)
        gone = sum(f.gone for f in r.folders)
        flags = sum(f.flag_changes for f in r.folders)
        click.echo(f"{safe(r.account)}: {len(r.folders)} folders, {fetched} new messages, "
                   f"{flags} flag changes, {gone} gone from the server, {r.seconds:.1f} s")
        for f in r.folders:
            for w in f.warnings:
                click.echo(f"  warning: {safe(w)}", err=True)
            if f.error:
                click.echo(f"  {safe(f.name)}: FAILED: {safe(f.error)}", err=True)
    if reports and all(r.fatal for r in reports):
        code = 2
    return code


@main.command()
@click.argument("names", nargs=-1)
@click.option("--watch", is_flag=True, help="Keep running: IDLE where the server has it, else the Điều 8 schedule.")
@pass_ctx
def sync(c: Ctx, names: tuple[str, ...], watch: bool) -> None:
    """Mirror the accounts NAMES (all when none) into the archive."""
    archive = c.ready()
    printer = ProgressPrinter()
    if watch:
        from bparchive.sync.watch import watch as run_watch

        run_watch(archive, names, progress=printer, report=_print_reports)
        return
    try:
        reports = archive.sync(names, progress=printer)
    finally:
        printer.close()
    sys.exit(_print_reports(reports))


@main.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--account", required=True, help="Account to import into (created as a local one if new).")
@pass_ctx
def import_cmd(c: Ctx, path: str, account: str) -> None:
    """Import an mbox file, a Maildir, a folder of .eml files or one .eml file."""
    archive = c.ready()
    printer = ProgressPrinter()
    try:
        rep = archive.import_path(path, account, progress=printer)
    finally:
        printer.close()
    click.echo(f"{safe(path)} ({rep.kind}): {rep.seen} messages read, {rep.added} new, "
               f"{rep.new_locations} newly filed")
    for name, n in sorted(rep.folders.items()):
        click.echo(f"  {safe(name)}: {n}")
    if rep.ids:
        ids = sorted(set(rep.ids))
        shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
        click.echo(f"  ids: {shown}")
    for p in rep.problems[:20]:
        click.echo(f"  problem: {safe(p)}", err=True)
    sys.exit(1 if rep.seen == 0 else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def status(c: Ctx, as_json: bool) -> None:
    """Per account and folder: messages, gone from the server, last sync, errors."""
    st = c.ready().status()
    if as_json:
        click.echo(dumps(st))
        return
    if not st["accounts"]:
        click.echo("No accounts yet. Add one with `bparchive account add`, or try `bparchive demo`.")
    for a in st["accounts"]:
        click.echo(f"{safe(a['name'])} ({a.get('kind') or '?'})")
        if not a["folders"]:
            click.echo("  never synced")
        for f in a["folders"]:
            srv = "" if f["on_server"] is None else f", {f['on_server']} on server"
            err = f"  ERROR: {safe(f['error'])}" if f["error"] else ""
            click.echo(f"  {safe(f['name']):30} {f['messages']:7} archived{srv}, {f['gone']} gone, "
                       f"last sync {f['last_sync'] or 'never'}{err}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--repair", is_flag=True, help="Fix what can be fixed safely.")
@click.option("--quick", is_flag=True, help="Skip re-hashing every stored message.")
@pass_ctx
def doctor(c: Ctx, as_json: bool, repair: bool, quick: bool) -> None:
    """Check the archive: hashes, orphans, sync state, index drift, permissions."""
    rep = c.ready().doctor(repair=repair, verify_hashes=not quick)
    if as_json:
        click.echo(dumps({
            "ok": rep.ok, "checked_messages": rep.checked_messages, "notes": rep.notes,
            "problems": [{"kind": p.kind, "detail": p.detail, "repaired": p.repaired} for p in rep.problems],
        }))
    else:
        click.echo(f"Checked {rep.checked_messages} messages.")
        for n in rep.notes:
            click.echo(f"note: {safe(n)}")
        for p in rep.problems:
            click.echo(f"{p.kind}: {safe(p.detail)}" + (" (repaired)" if p.repaired else ""))
        click.echo("All good." if rep.ok else "Problems found." + ("" if repair else " Try `bparchive doctor --repair`."))
    sys.exit(0 if rep.ok else 1)


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of results.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@pass_ctx
def search(c: Ctx, query: tuple[str, ...], as_json: bool, limit: int, sort: str) -> None:
    """Search the archive (see docs/query-language.md); works with no network."""
    from bparchive.services.search import SearchService

    q = " ".join(query)
    svc = SearchService(c.ready())
    try:
        page = svc.search(q, limit=limit, sort=sort)  # type: ignore[arg-type]
    finally:
        svc.close()
    if as_json:
        click.echo(dumps([r.to_json() for r in page.rows]))
        return
    if page.converted_query and page.converted_query != q:
        click.echo(f"Đã hiểu là / understood as: {safe(page.converted_query)}")
    click.echo(f"{page.total} results ({page.elapsed_ms:.0f} ms)" + (f", showing {len(page.rows)}" if page.total > len(page.rows) else ""))
    for r in page.rows:
        date = (r.date or "")[:10]
        marks = ("MẬT " if r.secret else "") + ("📎" if r.attachments else "")
        ref = r.refs[0] if r.refs else ""
        click.echo(f"{r.id:>7}  {date:10}  {safe(r.from_name or r.from_)[:28]:28}  {safe(r.subject)[:70]}  "
                   f"[{r.category}{' ' + ref if ref else ''}] {marks}".rstrip())
        if r.snippet:
            click.echo("         " + render_snippet(r.snippet, r.snippet_source))


def render_snippet(snippet: str, source: str) -> str:
    """A snippet with its marked words in bold (ANSI only on a terminal; text is made safe first)."""
    from bparchive.index import MARK_END, MARK_START

    tty = sys.stdout.isatty()
    out = []
    for i, piece in enumerate(snippet.split(MARK_START)):
        if i == 0:
            out.append(safe(piece))
            continue
        word, _, rest = piece.partition(MARK_END)
        out.append((f"\x1b[1m{safe(word)}\x1b[0m" if tty else f"[{safe(word)}]") + safe(rest))
    where = f"({safe(source)}) " if source and source != "body" else ""
    return where + "".join(out)


@main.command()
@click.argument("message_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--raw", is_flag=True, help="The exact stored bytes.")
@click.option("--text", is_flag=True, help="Body and attachment text only.")
@pass_ctx
def show(c: Ctx, message_id: int, as_json: bool, raw: bool, text: bool) -> None:
    """Show message ID: headers, body, attachments with their extracted text."""
    from bparchive.services.search import get_message_or_fail
    from bparchive.services.search import show as show_message

    archive = c.ready()
    store = archive.reader()
    get_message_or_fail(store, message_id)
    if raw:
        out = sys.stdout.buffer
        for piece in store.iter_raw(message_id):
            out.write(piece)
        out.flush()
        return
    m = show_message(store, message_id)
    if as_json:
        click.echo(dumps(m))
        return
    if text:
        click.echo(safe_block(m["body"]))
        for a in m["attachments"]:
            if a["text"]:
                click.echo(f"\n--- {safe(a['filename'] or a['path'])} ---")
                click.echo(safe_block(a["text"]))
        return
    f = m["filing"]
    if f["secret"]:
        click.echo(f"!!! {f['secret_level'] or 'MẬT'}: this message carries a secret mark (Luật 29/2018/QH14). "
                   "It is excluded from exports unless --include-secret is given.")
    def addrs(lst: list[dict[str, str]]) -> str:
        return ", ".join(safe(f"{a.get('name')} <{a.get('email')}>" if a.get("name") else a.get("email", "")) for a in lst)
    click.echo(f"Id:       {m['id']}   (sha256 {m['sha256'][:16]}…, {m['size']} bytes)")
    click.echo(f"From:     {addrs(m['from'])}")
    click.echo(f"To:       {addrs(m['to'])}")
    if m["cc"]:
        click.echo(f"Cc:       {addrs(m['cc'])}")
    click.echo(f"Date:     {m['date'] or '?'}")
    click.echo(f"Subject:  {safe(m['subject'])}")
    refs = ", ".join(r["display"] for r in f["refs"])
    click.echo(f"Filed:    {f['category']} / {f['doc_type'] or '-'}" + (f" / {safe(refs)}" if refs else "")
               + (f" / {f['urgency']}" if f["urgency"] else "") + f"   (rule: {safe(f['rule'])})")
    if m["tags"]:
        click.echo(f"Tags:     {', '.join(safe(t) for t in m['tags'])}")
    for loc in m["locations"]:
        gone = f", gone from server {loc['gone_at']}" if loc["gone_at"] else ""
        click.echo(f"Folder:   {safe(loc['account'])}/{safe(loc['folder'])} uid {loc['uid']} [{loc['flags']}]{gone}")
    if m["body_encoding"] not in ("unicode", ""):
        click.echo(f"Note:     body converted from {m['body_encoding'].upper()}")
    for p in m["problems"][:10]:
        click.echo(f"Problem:  {safe(p)}")
    click.echo("")
    click.echo(safe_block(m["body"]))
    for a in m["attachments"]:
        sig = f", signed by {safe(a['signer'] or '?')} {a['signing_time'] or ''}" if a["signed"] else ""
        pages = f", {a['pages']} pages" if a["pages"] else ""
        click.echo(f"\n[attachment {a['idx']}] {safe(a['filename'] or '(no name)')} ({a['content_type']}, "
                   f"{a['size']} bytes{pages}) — {a['status']}{': ' + safe(a['reason']) if a['reason'] else ''}{sig}")
        if a["text"]:
            t = a["text"]
            click.echo(safe_block(t[:2000]) + ("\n…" if len(t) > 2000 else ""))


def safe_block(text: str) -> str:
    from bparchive.textsafe import terminal_safe

    return terminal_safe(text, keep_newlines=True)


@main.command()
@click.option("--reparse", is_flag=True, help="Parse and extract every message again first.")
@pass_ctx
def reindex(c: Ctx, reparse: bool) -> None:
    """Rebuild the search index from the store (hand filing decisions are kept)."""
    printer = ProgressPrinter()
    try:
        n = c.ready().reindex(progress=printer, reparse=reparse)
    finally:
        printer.close()
    click.echo(f"Indexed {n} messages.")


def _register_commands() -> None:
    """Commands defined in their own modules (filing and export; the demo)."""
    from bparchive.cli_filing import register as register_filing
    from bparchive.cli_tui import register as register_tui

    register_filing(main)
    register_tui(main)


_register_commands()


if __name__ == "__main__":  # pragma: no cover
    main()
