"""A message far larger than memory should hold: walked from the store, big parts spilled."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

from bparchive.ingest.large import LARGE, walk
from bparchive.mail import parse_message
from bparchive.services import Archive


def _big_message(corpora_dir: Path, blob: bytes) -> bytes:
    m = EmailMessage()
    m["From"] = "Sở TT&TT <sotttt@binhphuoc.gov.vn>"
    m["Subject"] = "Công văn số 77/STTTT-VP kèm bản đồ số hoá"
    m["Message-ID"] = "<big@x>"
    m.set_content("Kính gửi các đơn vị: gửi kèm bản đồ và hướng dẫn.")
    m.add_attachment(blob, maintype="application", subtype="octet-stream", filename="ban-do.bin")
    pdf = (corpora_dir / "pypdf-resources" / "files" / "crazyones.pdf").read_bytes()
    m.add_attachment(pdf, maintype="application", subtype="pdf", filename="Hướng dẫn.pdf")
    return bytes(m)


def test_walk_spills_big_parts_and_keeps_structure(corpora_dir: Path, tmp_path: Path) -> None:
    blob = os.urandom(3 << 20)
    raw = _big_message(corpora_dir, blob)
    w = walk([raw[i : i + 65536] for i in range(0, len(raw), 65536)], tmp_path)
    assert len(w.skeleton) < 200_000
    assert set(w.spilled) == {"2"}
    assert w.spilled["2"].file.read_bytes() == blob
    assert w.spilled["2"].sha256 == hashlib.sha256(blob).hexdigest()
    whole, skel = parse_message(raw), parse_message(w.skeleton)
    assert skel.subject == whole.subject and skel.body_text == whole.body_text
    assert [(a.path, a.filename) for a in skel.attachments] == [(a.path, a.filename) for a in whole.attachments]
    assert skel.attachments[1].payload == whole.attachments[1].payload  # small parts stay whole


def test_large_message_imports_with_its_attachment_text(corpora_dir: Path, tmp_path: Path) -> None:
    blob = os.urandom(LARGE + (2 << 20))
    raw = _big_message(corpora_dir, blob)
    eml = tmp_path / "big.eml"
    eml.write_bytes(raw)
    archive = Archive(tmp_path / "home")
    rep = archive.import_path(eml, "pc")
    [mid] = rep.ids
    assert hashlib.sha256(archive.store.raw(mid)).hexdigest() == hashlib.sha256(raw).hexdigest()
    atts = archive.store.query(
        "SELECT filename, size, status, text, payload_sha256 FROM attachments WHERE message_id = ? ORDER BY idx",
        (mid,),
    )
    assert atts[0]["filename"] == "ban-do.bin" and atts[0]["size"] == len(blob)
    assert atts[0]["payload_sha256"] == hashlib.sha256(blob).hexdigest()
    assert atts[1]["status"] == "ok" and "crazy ones" in atts[1]["text"]
    out = subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(tmp_path / "home"), "search", "crazy ones", "--json"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert f'"id": {mid}' in out


def test_a_big_spilled_pdf_is_read_in_place_with_its_text(corpora_dir: Path, tmp_path: Path) -> None:
    """A PDF over the spill size is hashed while it is spilled and read through a map, not copied."""
    import io
    import mmap

    from pypdf import PdfReader, PdfWriter

    from bparchive.ingest.workers import _spilled_payload

    writer = PdfWriter(clone_from=PdfReader(corpora_dir / "pypdf-resources" / "files" / "crazyones.pdf"))
    writer.add_attachment("scan.tif", os.urandom(3 << 20))  # the scan travels inside the PDF
    buf = io.BytesIO()
    writer.write(buf)
    pdf = buf.getvalue()
    m = EmailMessage()
    m["From"] = "Văn thư <vanthu@binhphuoc.gov.vn>"
    m["Subject"] = "Hồ sơ số hoá kèm bản quét"
    m.set_content("Gửi kèm hồ sơ.")
    m.add_attachment(pdf, maintype="application", subtype="pdf", filename="Hồ sơ.pdf")
    m.add_attachment(os.urandom(LARGE), maintype="application", subtype="octet-stream", filename="x.bin")
    eml = tmp_path / "big.eml"
    eml.write_bytes(bytes(m))

    w = walk([bytes(m)], tmp_path)
    spilled = w.spilled["2"].file
    assert w.spilled["2"].sha256 == hashlib.sha256(pdf).hexdigest()
    with _spilled_payload(spilled, "Hồ sơ.pdf", "application/pdf") as payload:
        assert isinstance(payload, mmap.mmap) and payload[:] == pdf
    with _spilled_payload(w.spilled["3"].file, "x.bin", "application/octet-stream") as payload:
        assert isinstance(payload, bytes) and len(payload) == LARGE

    archive = Archive(tmp_path / "home")
    [mid] = archive.import_path(eml, "pc").ids
    [att] = archive.store.query(
        "SELECT status, text, payload_sha256, size FROM attachments WHERE message_id = ? AND idx = 0", (mid,)
    )
    assert att["status"] == "ok" and "crazy ones" in att["text"]
    assert att["payload_sha256"] == hashlib.sha256(pdf).hexdigest() and att["size"] == len(pdf)
