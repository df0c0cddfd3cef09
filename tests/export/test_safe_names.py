"""Names taken from mail never escape DEST and never overwrite another file."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bparchive.export import safe_component
from bparchive.export.safe_names import ExportError, SafeWriter, safe_title
from bparchive.services import Archive
from bparchive.services import filing as svc
from tests.export.mailbuild import message

NFC = unicodedata.normalize("NFC", "Báo cáo.pdf")
NFD = unicodedata.normalize("NFD", "Báo cáo.pdf")
HOSTILE = [
    "../../etc/passwd",
    "..\\..\\windows\\system32\\evil.dll",
    "/abs/path",
    "/etc/shadow",
    "C:\\x",
    "C:x.txt",
    "\\\\server\\share\\f.txt",
    "CON.txt",
    "con",
    "NUL",
    "aux.tar.gz",
    "COM1",
    "LPT9.doc",
    "a\x00b",
    "\x1b[31mred",
    "\u202egnp.exe",
    "x" * 300 + ".pdf",
    "ễ" * 300 + ".docx",
    ".",
    "..",
    "...",
    "",
    "   ",
    "trailing. . ",
    'q<u>o:t"e|s?t*ar',
    "Report.PDF",
    "report.pdf",
    "report.pdf",
    NFC,
    NFD,
]
_WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def _is_safe(name: str) -> bool:
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and not any(c in name for c in '<>:"|?*')
        and not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name)
        and "\u202e" not in name
        and not name.endswith((".", " "))
        and not name.startswith(".")
        and name.split(".")[0].upper() not in _WINDOWS_DEVICES
        and len(name.encode("utf-8")) <= 200
        and unicodedata.is_normalized("NFC", name)
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_component_is_one_safe_name(name: str) -> None:
    out = safe_component(name, fallback="attachment")
    assert _is_safe(out), (name, out)


def test_safe_component_keeps_what_it_can() -> None:
    assert safe_component("../../etc/passwd") == "passwd"
    assert safe_component("CON.txt") == "_CON.txt"
    assert safe_component("a\x00b") == "ab"
    assert safe_component("..", fallback="tệp") == "tệp"
    long = safe_component("x" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) == 200
    assert safe_component("ễ" * 300 + ".docx").endswith("ễ.docx")
    assert safe_component(NFD) == NFC
    assert safe_title("V/v báo cáo\n tháng 6") == "V-v báo cáo tháng 6"


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_safe_component_on_any_text(name: str) -> None:
    assert _is_safe(safe_component(name, fallback="f"))


def test_writer_keeps_every_file_inside_and_never_overwrites(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    w = SafeWriter(dest)
    written = []
    for i, name in enumerate(HOSTILE):
        written.append(w.write(dest, name, f"payload {i}".encode()))
    files = [p for p in dest.rglob("*") if p.is_file()]
    assert len(files) == len(HOSTILE)
    for i, p in enumerate(written):
        assert p.resolve().parent == dest.resolve()
        assert p.read_bytes() == f"payload {i}".encode()  # nothing overwritten
    names = {p.name for p in files}
    assert {"report.pdf", "Report.PDF", "report (2).pdf"} <= names or {
        "Report.PDF",
        "report (2).pdf",
        "report (3).pdf",
    } <= names
    # NFC and NFD spellings of one name are one name: the second is numbered.
    assert NFC in names and "Báo cáo (2).pdf" in names
    assert sorted(os.listdir(tmp_path)) == ["dest"]


def test_writer_refuses_symlinks_and_outside_folders(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    outside = tmp_path / "outside"
    outside.mkdir()
    w = SafeWriter(dest)
    (dest / "link").symlink_to(outside)
    with pytest.raises(ExportError, match="symbolic link"):
        w.directory(["link"], exact=True)
    with pytest.raises(ExportError, match="outside"):
        w.write(outside, "x.txt", b"x")
    # A planted symlink in the place of a file name is never followed.
    (dest / "victim.txt").symlink_to(outside / "victim.txt")
    p = w.write(dest, "victim.txt", b"new")
    assert p.name == "victim (2).txt" and not (outside / "victim.txt").exists()
    # Folder parts from mail are made safe too.
    d = w.directory(["../../up", "C:\\evil", "NUL"])
    assert d.relative_to(dest.resolve()).parts == ("up", "evil", "_NUL")
    assert list(outside.iterdir()) == []


def test_tree_export_of_hostile_attachment_names(tmp_path: Path) -> None:
    payloads = [(name, f"tệp số {i}".encode(), "application/pdf") for i, name in enumerate(HOSTILE)]
    raw = message(
        7, "Giấy mời họp giao ban tháng 7/2024 (Số 112/GM-UBND)", attachments=tuple(payloads)
    )
    src = tmp_path / "in.eml"
    src.write_bytes(raw)
    archive = Archive(tmp_path / "home")
    archive.import_path(src, "work")
    dest = tmp_path / "out"
    rep = svc.export(archive, dest, "tree")
    assert rep.written == 1 and rep.attachments == len(HOSTILE)
    files = [p for p in dest.rglob("*") if p.is_file() and p.name != "MANIFEST.sha256"]
    assert len(files) == len(HOSTILE) + 1  # attachments and the .eml, none overwritten
    contents = sorted(p.read_bytes() for p in files if not p.name.endswith(".eml"))
    assert contents == sorted(data for _n, data, _t in payloads)
    for p in files:
        assert p.resolve().is_relative_to(dest.resolve())
        assert _is_safe(p.name), p.name
        assert p.parent.relative_to(dest).parts == ("Thư mời - giấy mời", "2024", "07")
    assert sorted(os.listdir(tmp_path)) == ["home", "in.eml", "out"]
