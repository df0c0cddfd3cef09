"""The demo/benchmark mail generator: determinism, validity, realism."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import itertools
import subprocess
import sys
import unicodedata
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest

from bparchive.demo.generator import FOLDERS, GeneratedMessage, generate

REPO = Path(__file__).resolve().parents[2]


def _parse(m: GeneratedMessage) -> EmailMessage:
    msg = email.message_from_bytes(m.raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _digest(messages: list[GeneratedMessage]) -> str:
    h = hashlib.sha256()
    for m in messages:
        h.update(m.folder.encode() + b"\0" + m.raw + repr((m.flags, m.internaldate)).encode())
    return h.hexdigest()


def test_count_is_exact_and_seed_determines_bytes(plain_mailbox: list[GeneratedMessage]) -> None:
    again = list(generate(600, 5, attachments=False))
    assert len(plain_mailbox) == 600
    assert again == plain_mailbox
    other = list(generate(600, 6, attachments=False))
    assert len(other) == 600
    assert _digest(other) != _digest(plain_mailbox)


def test_same_bytes_in_a_fresh_interpreter(mailbox: list[GeneratedMessage]) -> None:
    # A new process has another hash seed: catches set/dict-order dependence.
    code = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[1]);"
        "from tests.demo.test_generator import _digest;"
        "from bparchive.demo.generator import generate;"
        "print(_digest(list(generate(400, 1))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO)],
        capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )  # fmt: skip
    assert out.stdout.strip() == _digest(mailbox)


def test_every_message_parses_without_defects(mailbox: list[GeneratedMessage]) -> None:
    for m in mailbox:
        msg = _parse(m)
        assert m.raw.endswith(b"\r\n") and b"\n" not in m.raw.replace(b"\r\n", b"")
        assert msg["Message-ID"] and msg["From"] and msg["To"] and msg["Date"]
        for part in msg.walk():
            assert not part.defects, (msg["Subject"], part.defects)
        assert m.folder in FOLDERS
        assert m.internaldate.tzinfo is not None


def test_folders_flags_and_dates(mailbox: list[GeneratedMessage]) -> None:
    folders = Counter(m.folder for m in mailbox)
    assert {"INBOX", "Sent", "Văn bản đến", "Văn bản đi", "Lưu trữ/2023", "Lưu trữ/2024"} <= set(
        folders
    )
    assert folders["INBOX"] > folders["Drafts"] > 0
    seen = sum("\\Seen" in m.flags for m in mailbox)
    assert seen > 0.8 * len(mailbox)
    assert 0 < sum("\\Flagged" in m.flags for m in mailbox) < 0.2 * len(mailbox)
    years = Counter(_parse(m)["Date"].datetime.year for m in mailbox)
    assert min(years) == 2009 and max(years) == 2025 and len(years) == 17
    for m in mailbox:
        if m.folder.startswith("Lưu trữ/"):
            assert _parse(m)["Date"].datetime.year == int(m.folder[-4:])


def test_some_messages_are_filed_twice_with_the_same_bytes(mailbox: list[GeneratedMessage]) -> None:
    pairs = [(a, b) for a, b in itertools.pairwise(mailbox) if a.raw == b.raw]
    assert pairs
    assert all(a.folder != b.folder for a, b in pairs)


def test_reply_threads_point_at_earlier_messages(mailbox: list[GeneratedMessage]) -> None:
    ids: set[str] = set()
    replies = 0
    for m in mailbox:
        msg = _parse(m)
        parent = msg["In-Reply-To"]
        if parent:
            replies += 1
            assert str(parent) in ids
            assert str(parent) in str(msg["References"])
            assert str(msg["Subject"]).split(":")[0] in ("Re", "RE", "TL", "Trả lời")
        ids.add(str(msg["Message-ID"]))
    assert replies > 20


def test_subjects_cover_the_filing_vocabulary_and_damage(mailbox: list[GeneratedMessage]) -> None:
    subjects = [str(_parse(m)["Subject"]) for m in mailbox]
    nfc = [unicodedata.normalize("NFC", s) for s in subjects]
    joined = "\n".join(nfc)
    for needle in ("V/v", "Giấy mời", "Báo cáo", "Quyết định", "Thông báo", "Kế hoạch", "góp ý",
                   "Fwd:", "48/2009/QĐ-UBND"):  # fmt: skip
        assert needle in joined, needle
    assert any(s != unicodedata.normalize("NFC", s) for s in subjects), "no NFD subject"
    assert any(s.isascii() and ("V/v" in s or "so " in s) for s in subjects), (
        "no unaccented subject"
    )
    assert any(w in joined for w in ("hoà", "Uỷ", "Thuỷ", "hoá")), "no new-style tone"
    assert any(w in joined for w in ("hòa", "Ủy", "hóa")), "no old-style tone"


def test_tcvn3_bodies_are_labelled_as_western(mailbox: list[GeneratedMessage]) -> None:
    bodies = []
    for m in mailbox:
        body = _parse(m).get_body(("plain",))
        if body is not None and body.get_content_charset() in ("windows-1252", "iso-8859-1", None):
            text = body.get_payload(decode=True).decode("cp1252", "replace")
            if "KÝnh göi" in text or "Tr©n träng" in text:
                bodies.append(text)
    assert bodies


def test_attachments_share_types_and_vietnamese_names(mailbox: list[GeneratedMessage]) -> None:
    with_att = 0
    types: Counter[str] = Counter()
    names: list[str] = []
    for m in mailbox:
        atts = list(_parse(m).iter_attachments())
        with_att += bool(atts)
        for a in atts:
            types[a.get_content_type()] += 1
            names.append(a.get_filename() or "")
    assert 0.4 <= with_att / len(mailbox) <= 0.6
    assert types["application/pdf"] and types["text/csv"] and types["text/plain"]
    assert types["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    assert types["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert any(not n.isascii() for n in names)
    assert any(n != unicodedata.normalize("NFC", n) for n in names), "no NFD file name"
    assert all(n and "/" not in n for n in names)


def _first(mailbox: list[GeneratedMessage], ctype: str) -> bytes:
    for m in mailbox:
        for a in _parse(m).iter_attachments():
            if a.get_content_type() == ctype:
                data = a.get_content()
                assert isinstance(data, bytes)
                return data
    raise AssertionError(ctype)


def test_pdf_has_an_extractable_vietnamese_text_layer(mailbox: list[GeneratedMessage]) -> None:
    from pypdf import PdfReader

    pages = 0
    for m in mailbox[:200]:
        for a in _parse(m).iter_attachments():
            if a.get_content_type() == "application/pdf":
                reader = PdfReader(io.BytesIO(a.get_content()))
                pages = max(pages, len(reader.pages))
                text = unicodedata.normalize("NFC", reader.pages[0].extract_text())
                assert "Độc lập - Tự do - Hạnh phúc" in text
                assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
                assert "Số:" in text
    assert pages >= 2, "no multi-page PDF"


def test_docx_and_xlsx_open_with_their_libraries(mailbox: list[GeneratedMessage]) -> None:
    import docx
    import openpyxl

    d = docx.Document(
        io.BytesIO(
            _first(
                mailbox, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            )
        )
    )
    assert "Độc lập - Tự do - Hạnh phúc" in d.tables[0].rows[0].cells[1].text
    wb = openpyxl.load_workbook(
        io.BytesIO(
            _first(mailbox, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
    )
    assert wb.sheetnames == ["Báo cáo"]
    assert wb["Báo cáo"]["A5"].value == "STT"


def test_big_attachment_is_added_last() -> None:
    pytest.importorskip("fpdf")
    from pypdf import PdfReader

    msgs = list(generate(5, 2, big_attachment_mb=2))
    assert len(msgs) == 6
    (att,) = list(_parse(msgs[-1]).iter_attachments())
    data = att.get_content()
    assert len(data) >= 2 * 1024 * 1024
    assert "Hồ sơ" in (att.get_filename() or "")
    assert PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        list(generate(-1))
