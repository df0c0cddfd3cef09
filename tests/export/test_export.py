"""Export → import into a fresh archive gives back the same messages, byte for byte.

Real material: the MimeKit mbox and the notmuch Maildir of the shared corpora,
plus a Maildir of Vietnamese official mail (filing.md §17 subjects) built here,
all imported with ``Archive.import_path`` (so ingest and filing run for real).
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC
from pathlib import Path

import pytest

from bparchive.export import ExportError, from_line, maildir_dirname, maildir_info, mboxrd_quote
from bparchive.services import Archive
from bparchive.services import filing as svc
from bparchive.sync.importer import read_mbox
from tests.export.mailbuild import SUBJECTS, maildir, message, sha

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"
MBOX = CORPORA / "mimekit-testdata" / "mbox" / "content-length.mbox.txt"
NOTMUCH = CORPORA / "notmuch-test-corpora" / "corpora" / "default"
VBD = ".V&AQM-n b&HqM-n &AREevw-n"  # "Văn bản đến" in Maildir++ modified UTF-7

# Bodies that test mbox quoting and line endings.
TRICKY = [
    message(
        90,
        "Thư có dòng From",
        body="Dòng đầu\r\n\r\nFrom here on\r\n>From quoted\r\n>>From twice\r\n",
    ),
    message(91, "Thư không kết thúc bằng xuống dòng", body="Kết thúc không xuống dòng").rstrip(
        b"\r\n"
    ),
    b"Subject: LF only\nFrom: a@b.c\n\nFrom the start\nline\n\n",
]


def _work_maildir(root: Path) -> tuple[Path, dict[str, bytes]]:
    msgs = {k: message(i, subj) for i, (k, (subj, _cat)) in enumerate(SUBJECTS.items())}
    msgs["sent"] = message(
        50,
        "V/v cung cấp thông tin phục vụ xây dựng Cơ sở dữ liệu cán bộ",
        sender="Văn thư <vanthu.sotttt@binhphuoc.gov.vn>",
        to=("snv@binhphuoc.gov.vn",),
    )
    for i, raw in enumerate(TRICKY):
        msgs[f"tricky{i}"] = raw
    md = maildir(
        root,
        {
            "INBOX": [(msgs["invitation"], "FS"), (msgs["notice"], ""), (msgs["tricky0"], "S")],
            ".Sent": [(msgs["sent"], "RS"), (msgs["tricky1"], "S")],
            VBD: [
                (msgs[k], "S")
                for k in ("schedule", "periodic", "letter", "draft", "secret", "plan")
            ]
            + [(msgs["tricky2"], "")],
        },
    )
    return md, msgs


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, dict[str, bytes]]:
    if not MBOX.exists() or not NOTMUCH.exists():
        pytest.skip("shared corpora not present")
    base = tmp_path_factory.mktemp("source")
    archive = Archive(base / "home")
    archive.import_path(MBOX, "old")
    archive.import_path(NOTMUCH, "notmuch")
    md, msgs = _work_maildir(base / "Maildir")
    archive.import_path(md, "work")
    return archive, msgs


def _hashes(archive: Archive) -> set[str]:
    return {r["sha256"] for r in archive.store.query("SELECT sha256 FROM messages")}


def _secret_hashes(archive: Archive) -> set[str]:
    return {
        r["sha256"]
        for r in archive.store.query(
            "SELECT m.sha256 FROM messages m JOIN filing f ON f.message_id = m.id WHERE f.secret = 1"
        )
    }


def _manifest_ok(dest: Path, manifest: Path) -> set[str]:
    """Check every manifest line against the file; return the listed relative paths."""
    listed = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    on_disk = {
        p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file() and p != manifest
    }
    assert set(listed) == on_disk
    for rel, digest in listed.items():
        assert hashlib.sha256((dest / rel).read_bytes()).hexdigest() == digest, rel
    return on_disk


def test_secret_message_is_filed_secret(source: tuple[Archive, dict[str, bytes]]) -> None:
    archive, msgs = source
    assert _secret_hashes(archive) == {sha(msgs["secret"])}


def test_maildir_round_trip_names_and_flags(
    source: tuple[Archive, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, msgs = source
    dest = tmp_path / "out"
    rep = svc.export(archive, dest, "maildir")
    want = _hashes(archive) - _secret_hashes(archive)
    assert rep.skipped_secret == 1
    assert rep.written == len(want)
    _manifest_ok(dest, rep.manifest_path)
    # Maildir++ layout: account roots, dot folders in modified UTF-7, flags in the suffix.
    assert (dest / "work" / "cur").is_dir() and (dest / "work" / ".Sent" / "cur").is_dir()
    assert (dest / "work" / VBD / "maildirfolder").is_file()
    invitation = [
        p for p in (dest / "work" / "cur").iterdir() if p.read_bytes() == msgs["invitation"]
    ]
    assert len(invitation) == 1 and invitation[0].name.endswith(":2,FS")
    fresh = Archive(tmp_path / "fresh")
    fresh.import_path(dest / "work", "work")
    fresh.import_path(dest, "all")
    assert _hashes(fresh) == want
    folders = {f.name for f in fresh.store.folders("work")}
    assert folders == {"INBOX", "Sent", "Văn bản đến"}
    flags = {
        (r["sha256"], r["flags"])
        for r in fresh.store.query(
            "SELECT m.sha256, l.flags FROM locations l JOIN messages m ON m.id = l.message_id "
            "JOIN folders f ON f.id = l.folder_id WHERE f.account = 'work'"
        )
    }
    assert (sha(msgs["invitation"]), "\\Flagged \\Seen") in flags
    assert (sha(msgs["sent"]), "\\Answered \\Seen") in flags
    assert (sha(msgs["notice"]), "") in flags
    # The notmuch tree (INBOX, foo, bar, foo/baz) comes back with its folder names.
    assert {"notmuch", "notmuch/foo", "notmuch/foo/baz", "work/Văn bản đến"} <= {
        f.name for f in fresh.store.folders("all")
    }


def test_mbox_round_trip(source: tuple[Archive, dict[str, bytes]], tmp_path: Path) -> None:
    archive, msgs = source
    dest = tmp_path / "out"
    rep = svc.export(archive, dest, "mbox", include_secret=True)
    assert rep.skipped_secret == 0
    files = sorted(dest.rglob("*.mbox"))
    assert {p.relative_to(dest).as_posix() for p in files} >= {
        "old/content-length.mbox.mbox",
        "work/INBOX.mbox",
        "work/Sent.mbox",
        "work/Văn bản đến.mbox",
        "notmuch/foo/baz.mbox",
    }
    _manifest_ok(dest, rep.manifest_path)
    got: set[str] = set()
    per_file = 0
    for p in files:
        with p.open("rb") as f:
            raws = [m.raw for m in read_mbox(f, p.stem)]
        per_file += len(raws)
        got |= {sha(r) for r in raws}
    assert got == _hashes(archive)
    assert (
        sha(msgs["tricky0"]) in got and sha(msgs["tricky1"]) in got and sha(msgs["tricky2"]) in got
    )
    # And through the real import (ingest included) for the Vietnamese folders.
    fresh = Archive(tmp_path / "fresh")
    for p in (dest / "work").glob("*.mbox"):
        fresh.import_path(p, "work")
    assert _hashes(fresh) == {sha(m) for m in msgs.values()}
    assert {f.name for f in fresh.store.folders("work")} == {"INBOX", "Sent", "Văn bản đến"}


def test_eml_round_trip_and_secret_exclusion(
    source: tuple[Archive, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, msgs = source
    dest = tmp_path / "out"
    rep = svc.export(archive, dest, "eml")
    assert rep.skipped_secret == 1
    emls = list(dest.rglob("*.eml"))
    assert sha(msgs["secret"]) not in {sha(p.read_bytes()) for p in emls}
    _manifest_ok(dest, rep.manifest_path)
    fresh = Archive(tmp_path / "fresh")
    fresh.import_path(dest, "eml")
    assert _hashes(fresh) == _hashes(archive) - {sha(msgs["secret"])}
    # --include-secret puts it back.
    dest2 = tmp_path / "out2"
    rep2 = svc.export(archive, dest2, "eml", include_secret=True)
    assert rep2.skipped_secret == 0 and rep2.written == rep.written + 1
    assert sha(msgs["secret"]) in {sha(p.read_bytes()) for p in dest2.rglob("*.eml")}


def test_tree_layout_eml_files_and_manifest(
    source: tuple[Archive, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, msgs = source
    dest = tmp_path / "out"
    rep = svc.export(archive, dest, "tree")
    files = _manifest_ok(dest, rep.manifest_path)
    assert any(f.startswith("Thư mời - giấy mời/2024/07/") and f.endswith(".eml") for f in files)
    assert any(f.startswith("Khác/1996/") for f in files)  # the MimeKit mail, filed by its date
    assert not any(f.startswith("Văn bản mật/") for f in files)
    # Attachments of the corpus messages sit beside their .eml, named "<id> <name>".
    assert rep.attachments > 0
    message_files = [
        dest / f for f in files if f.endswith(".eml") and f.split("/")[-1].split(" ")[0].isdigit()
    ]
    got = {sha(p.read_bytes()) for p in message_files}
    assert _hashes(archive) - {sha(msgs["secret"])} <= got
    fresh = Archive(tmp_path / "fresh")
    fresh.import_path(dest, "tree")
    assert _hashes(archive) - {sha(msgs["secret"])} <= _hashes(fresh)


def test_query_export_takes_every_hit(
    source: tuple[Archive, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, msgs = source
    rep = svc.export(archive, tmp_path / "one", "eml", query="giao ban")
    assert rep.written == 1
    [p] = list((tmp_path / "one").rglob("*.eml"))
    assert p.read_bytes() == msgs["invitation"]
    # A broad query: more hits than one page of results, all exported.
    total = len(_hashes(archive))
    rep = svc.export(
        archive,
        tmp_path / "all",
        "mbox",
        query="from:jwz@netscape.com OR from:sotttt@binhphuoc.gov.vn",
    )
    assert 10 < rep.written < total


def test_dest_must_be_new_or_empty(
    source: tuple[Archive, dict[str, bytes]], tmp_path: Path
) -> None:
    archive, _ = source
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("do not touch")
    with pytest.raises(ExportError, match="not an empty folder"):
        svc.export(archive, tmp_path / "busy", "eml")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "do not touch"
    with pytest.raises(ExportError, match="Unknown export format"):
        svc.export(archive, tmp_path / "x", "pst")


# -- format details ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"Subject: a\n\nFrom x\n>From y\n>>From z\nFromage\n",
        b"Subject: b\r\n\r\nline\r\nFrom me\r\n",
        b"Subject: c\n\nno newline at the end",
        b"From bparchive@localhost Mon Jul  1 08:00:00 2024\nSubject: d\n\n\n\n",
        b"Subject: e\n\n" + b">From " * 3000 + b"\nFrom \n",
    ],
)
def test_mboxrd_round_trip_through_the_importer(raw: bytes) -> None:
    others = [b"Subject: first\n\nbody\n", raw, b"Subject: last\n\nFrom the end\n"]
    data = b""
    for n, m in enumerate(others):
        if n:
            data += b"\n"
        data += from_line(None) + b"".join(
            mboxrd_quote([m[i : i + 7] for i in range(0, len(m), 7)])
        )
    assert [f.raw for f in read_mbox(io.BytesIO(data), "x")] == others


def test_from_line_is_asctime_in_utc() -> None:
    from datetime import datetime, timedelta, timezone

    d = datetime(2024, 7, 1, 8, 5, 9, tzinfo=timezone(timedelta(hours=7)))
    assert from_line(d) == b"From bparchive@localhost Mon Jul  1 01:05:09 2024\n"
    assert from_line(datetime(1, 1, 1, tzinfo=UTC)).endswith(b" 1970\n")


def test_maildir_names() -> None:
    assert maildir_info("\\Seen \\Flagged \\Answered $Junk") == ":2,FRS"
    assert maildir_info("") == ":2,"
    assert maildir_dirname(["Văn bản đến"]) == VBD
    assert maildir_dirname(["A.B", "C/D", "x:y"]) == ".A_B.C_D.x_y"


def test_export_cli(source: tuple[Archive, dict[str, bytes]], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bparchive.cli import main
    from bparchive.cli_filing import register

    register(main)
    register(main)  # idempotent
    archive, msgs = source
    dest = tmp_path / "cli"
    r = CliRunner().invoke(
        main,
        ["--home", _home(archive), "export", str(dest), "--format", "eml", "--include-secret"],
    )
    assert r.exit_code == 0, r.output
    assert "Exported" in r.output and "MANIFEST.sha256" in r.output
    assert sha(msgs["secret"]) in {sha(p.read_bytes()) for p in dest.rglob("*.eml")}
    r = CliRunner().invoke(
        main, ["--home", _home(archive), "export", str(tmp_path / "c2"), "--format", "eml"]
    )
    assert r.exit_code == 0
    assert "1 messages with a secret mark were left out" in r.output


def _home(archive: Archive) -> str:
    return os.fspath(archive.paths.config_dir)  # with --home, config and data share one folder
