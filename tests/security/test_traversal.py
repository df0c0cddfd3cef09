"""Path traversal through attachment names.

The parser must keep only a bare, harmless file name; whatever the product
offers to save attachments (``bparchive.export``) must write only inside the
target folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.security.helpers import cli, import_messages, multipart

EVIL_NAMES = [
    "../../evil.txt",
    "/etc/x",
    "..\\..\\y",
    "CON",
    "nul.txt",
    "a\x00b.txt",
    "..",
    ".",
    "",
    "....//....//z.txt",
    "C:\\Windows\\win.ini",
    "~/.bashrc",
    "%2e%2e%2fp.txt",
    "x/../../../q",
    "\u202etxt.exe",
    "a" * 400 + ".pdf",
    ".hidden",
    "COM1.pdf",
    "aux",
    "lpt9.txt ",
    "name.",
]


def _is_harmless(name: str) -> bool:
    return (
        "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and name not in (".", "..")
        and not name.startswith("..")
        and len(name.encode()) <= 255
    )


def test_imported_attachment_names_are_bare_file_names(tmp_path: Path) -> None:
    home = tmp_path / "home"
    parts = [
        (n, f"nội dung {i}".encode(), "text/plain; charset=utf-8") for i, n in enumerate(EVIL_NAMES)
    ]
    r = import_messages(home, tmp_path, [multipart("Tệp đính kèm lạ", "Kẻ xấu", parts)])
    assert r.returncode == 0, r.stderr
    m = json.loads(cli(home, "show", "1", "--json").stdout)
    names = [a["filename"] for a in m["attachments"]]
    assert len(m["attachments"]) == len(EVIL_NAMES)
    bad = [n for n in names if n and not _is_harmless(n)]
    assert not bad, bad
    assert not (tmp_path / "evil.txt").exists() and not (home.parent / "evil.txt").exists()


def test_export_safe_component_keeps_writes_inside_the_target(tmp_path: Path) -> None:
    safe_names = pytest.importorskip(
        "bparchive.export.safe_names", reason="bparchive.export does not exist yet (issue 7 export)"
    )
    target = tmp_path / "out"
    target.mkdir()
    for name in EVIL_NAMES:
        comp = safe_names.safe_component(name)
        assert comp  # always some name, never empty
        assert _is_harmless(comp), (name, comp)
        assert comp.split(".")[0].upper() not in {
            "CON",
            "PRN",
            "AUX",
            "NUL",
            *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10)),
        }
        final = (target / comp).resolve()
        assert os.path.commonpath([final, target.resolve()]) == str(target.resolve()), (name, comp)


def test_export_of_hostile_attachment_names_writes_only_inside_the_target(tmp_path: Path) -> None:
    export = pytest.importorskip("bparchive.export", reason="bparchive.export does not exist yet")
    from bparchive.services import Archive

    home = tmp_path / "home"
    parts = [
        (n, f"nội dung {i}".encode(), "text/plain; charset=utf-8") for i, n in enumerate(EVIL_NAMES)
    ]
    assert (
        import_messages(home, tmp_path, [multipart("Tệp đính kèm lạ", "Kẻ xấu", parts)]).returncode
        == 0
    )
    before = {p for p in tmp_path.rglob("*")}
    store = Archive(home).reader()
    try:
        for fmt in export.FORMATS:
            dest = tmp_path / "deep" / "out" / fmt
            dest.mkdir(parents=True)
            export.export_messages(store, [1], dest, fmt)
            for p in dest.rglob("*"):
                assert _is_harmless(p.name), p
    finally:
        store.close()
    outside = [
        p
        for p in tmp_path.rglob("*")
        if p not in before and not {"deep", "home"} & set(p.relative_to(tmp_path).parts)
    ]
    assert not outside, outside
    assert not Path("/etc/x").exists()
