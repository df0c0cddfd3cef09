"""Import of mbox, Maildir and .eml files from the shared corpora, byte-exact."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bparchive.services import Archive
from bparchive.sync.importer import read_mbox
from tests.sync.helpers import run_cli

_ESCAPED = re.compile(rb"^>(>*From )", re.M)


def _unescape(b: bytes) -> bytes:
    return _ESCAPED.sub(rb"\1", b)


def test_mbox_messages_match_reference_offsets(corpora_dir: Path) -> None:
    base = corpora_dir / "mimekit-testdata" / "mbox"
    for name in ("content-length", "issue1189"):
        data = (base / f"{name}.mbox.txt").read_bytes()
        offsets = json.loads((base / f"{name}.unix-offsets.json").read_text())
        with (base / f"{name}.mbox.txt").open("rb") as f:
            msgs = list(read_mbox(f, "x"))
        # Content-Length headers that lie are ignored: the From_ lines decide.
        assert len(msgs) == len(offsets), name
        for m, o in zip(msgs, offsets, strict=True):
            assert m.raw == _unescape(data[o["beginOffset"] : o["endOffset"]]), (name, o)


def test_mbox_with_bom_and_unmunged_from_line(corpora_dir: Path) -> None:
    path = corpora_dir / "mimekit-testdata" / "mbox" / "unmunged.mbox.txt"
    with path.open("rb") as f:
        msgs = list(read_mbox(f, "x"))
    assert len(msgs) == 2
    assert all(m.raw.startswith(b"From: Jeffrey Stedfast") for m in msgs)
    assert b"\nFrom Russia with love" in msgs[0].raw


def test_import_cli_mbox_twice_adds_nothing(corpora_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    mbox = corpora_dir / "mimekit-testdata" / "mbox" / "content-length.mbox.txt"
    r = run_cli(home, "import", str(mbox), "--account", "old-pc")
    assert r.returncode == 0, r.stderr
    assert "29 messages read, 29 new" in r.stdout
    r = run_cli(home, "import", str(mbox), "--account", "old-pc")
    assert r.returncode == 0, r.stderr
    assert "29 messages read, 0 new, 0 newly filed" in r.stdout
    st = json.loads(run_cli(home, "status", "--json").stdout)
    [acc] = st["accounts"]
    assert acc["name"] == "old-pc" and acc["kind"] == "local"
    assert sum(f["messages"] for f in acc["folders"]) == 29


def test_import_maildir_tree_byte_exact(corpora_dir: Path, tmp_path: Path) -> None:
    root = corpora_dir / "notmuch-test-corpora" / "corpora" / "default"
    files = [p for p in root.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    archive = Archive(tmp_path / "home")
    rep = archive.import_path(root, "notmuch")
    assert rep.kind == "maildir"
    assert rep.seen == len(files)
    want = {hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    got = {r["sha256"] for r in archive.store.query("SELECT sha256 FROM messages")}
    assert got == want
    folders = {f.name for f in archive.store.folders("notmuch")}
    assert {"INBOX", "foo", "bar", "foo/baz"} <= folders, folders


def test_import_maildir_flags_and_utf7_names(corpora_dir: Path, tmp_path: Path) -> None:
    src = next((corpora_dir / "notmuch-test-corpora" / "corpora" / "default" / "cur").iterdir())
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
        (md / ".V&AQM-n b&HqM-n &AREevw-n" / sub).mkdir(parents=True)  # "Văn bản đến", Maildir++
    (md / "cur" / "1.host:2,FS").write_bytes(src.read_bytes())
    (md / ".V&AQM-n b&HqM-n &AREevw-n" / "new" / "2.host").write_bytes(b"Subject: x\n\nhello\n")
    archive = Archive(tmp_path / "home")
    rep = archive.import_path(md, "pc")
    assert rep.seen == 2
    assert set(rep.folders) == {"INBOX", "Văn bản đến"}
    [row] = archive.store.query(
        "SELECT l.flags FROM locations l JOIN folders f ON f.id = l.folder_id WHERE f.name = 'INBOX'"
    )
    assert row["flags"] == "\\Flagged \\Seen"


def test_import_eml_folder_and_single_file(corpora_dir: Path, tmp_path: Path) -> None:
    folder = corpora_dir / "textract-tests" / "eml"
    emls = sorted(folder.rglob("*.eml"))
    assert emls
    archive = Archive(tmp_path / "home")
    rep = archive.import_path(folder, "pc")
    assert rep.kind == "emldir" and rep.seen == len(emls)
    one = next((corpora_dir / "mimekit-testdata" / "openpgp").glob("*.eml"))
    rep2 = archive.import_path(one, "pc")
    assert rep2.kind == "eml" and rep2.seen == 1
    [mid] = rep2.ids
    assert archive.store.raw(mid) == one.read_bytes()


def test_import_rejects_non_mail(tmp_path: Path) -> None:
    bad = tmp_path / "notes.bin"
    bad.write_bytes(b"\x00\x01\x02 binary junk")
    r = run_cli(tmp_path / "home", "import", str(bad), "--account", "x")
    assert r.returncode == 2
    assert "not recognised as mail" in r.stderr
