"""The same document attached to many messages is read once, and a secret copy never hides it."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from bparchive.ingest.workers import _memo, known_extraction
from bparchive.services import Archive


def _msg(n: int, subject: str, pdf: bytes) -> bytes:
    m = EmailMessage()
    m["From"] = "sotttt@binhphuoc.gov.vn"
    m["Subject"] = subject
    m["Message-ID"] = f"<r{n}@x>"
    m.set_content("Kính gửi các đơn vị.")
    m.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"van-ban-{n}.pdf")
    return bytes(m)


def test_identical_attachments_share_one_extraction(tmp_path: Path, corpora_dir: Path) -> None:
    pdf = (corpora_dir / "pypdf-resources" / "files" / "crazyones.pdf").read_bytes()
    mail = tmp_path / "mail"
    mail.mkdir()
    # The first copy carries a secret mark: its text is withheld, which must not
    # be "reused" as an empty text for the ordinary copies.
    (mail / "1.eml").write_bytes(_msg(1, "[MẬT] Kế hoạch bảo đảm an ninh", pdf))
    for n in (2, 3, 4):
        (mail / f"{n}.eml").write_bytes(_msg(n, f"Công văn số {n}/STTTT-VP", pdf))
    archive = Archive(tmp_path / "home")
    archive.import_path(mail, "pc")
    rows = archive.store.query(
        "SELECT m.msgid, a.status, a.text, a.reason, a.payload_sha256 FROM attachments a "
        "JOIN messages m ON m.id = a.message_id ORDER BY m.msgid"
    )
    assert len({r["payload_sha256"] for r in rows}) == 1
    secret = next(r for r in rows if r["msgid"] == "<r1@x>")
    assert secret["text"] == "" and secret["reason"].startswith("text withheld")
    others = [r for r in rows if r["msgid"] != "<r1@x>"]
    assert all("crazy ones" in r["text"] for r in others)
    assert len({r["text"] for r in others}) == 1
    # What a worker finds for those bytes is the full extraction, not the withheld copy.
    _memo.clear()
    found = known_extraction(archive.store, rows[0]["payload_sha256"])
    assert found is not None and "crazy ones" in found.text and found.status == "ok"
