"""End to end: sync from the test Dovecot, then find a word that only a PDF attachment holds."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from tests.sync.helpers import archive_for, run_cli


def _with_pdf(pdf: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sở TT&TT <sotttt@binhphuoc.gov.vn>"
    msg["To"] = "ubnd@binhphuoc.gov.vn"
    msg["Subject"] = "Công văn số 2125/BTTTT-ƯDCNTT V/v hướng dẫn triển khai"
    msg["Message-ID"] = "<pdf1@binhphuoc.gov.vn>"
    msg["Date"] = "Mon, 1 Jul 2024 08:00:00 +0700"
    msg.set_content("Kính gửi: UBND tỉnh\nXin gửi kèm tài liệu.\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="Hướng dẫn đóng gói.pdf")
    return bytes(msg)


def test_word_only_in_pdf_is_found_after_sync(imap_user, tmp_path: Path, corpora_dir: Path) -> None:
    pdf = (corpora_dir / "debian-maint-guide-vi" / "maint-guide.vi.pdf").read_bytes()
    raw = _with_pdf(pdf)
    assert b"b\xe1\xba\xa3o tr\xc3\xac" not in raw  # "bảo trì" is not in the mail's own text
    imap_user.server.append(imap_user.name, "Văn bản đến", raw)
    home = tmp_path / "home"
    archive_for(home, imap_user).close()
    r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=300)
    assert r.returncode == 0, r.stderr
    r = run_cli(home, "search", "người bảo trì", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert len(hits) == 1
    [hit] = hits
    assert hit["subject"].startswith("Công văn số 2125")
    assert hit["folders"] == ["Văn bản đến"]
    assert hit["attachments"] == [{"filename": "Hướng dẫn đóng gói.pdf", "matched": True, "status": "ok"}]
    assert "bảo trì" in hit["snippet"].replace("\x02", "").replace("\x03", "")
    # the same without accents, and the reference number typed without Đ/Ư
    assert json.loads(run_cli(home, "search", "nguoi bao tri", "--json").stdout)[0]["id"] == hit["id"]
    assert json.loads(run_cli(home, "search", "2125/BTTTT-UDCNTT", "--json").stdout)[0]["id"] == hit["id"]
    shown = json.loads(run_cli(home, "show", str(hit["id"]), "--json").stdout)
    [att] = shown["attachments"]
    assert att["kind"] == "pdf" and att["pages"] > 10
    assert shown["filing"]["doc_type"] and shown["filing"]["refs"][0]["key"] == "2125/BTTTT-UDCNTT"
    import subprocess
    import sys

    raw_out = subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(home), "show", str(hit["id"]), "--raw"],
        capture_output=True, check=True,
    ).stdout
    [(_uid, on_server)] = list(imap_user.server.iter_messages(imap_user.name, "Văn bản đến"))
    assert raw_out == on_server  # the exact bytes the server holds
