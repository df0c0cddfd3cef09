"""Hand-made MIME pieces parse back with the standard library."""

from __future__ import annotations

import email
import email.policy

from bparchive.demo import mime


def _parse(entity: mime.Entity, headers: list[str]) -> email.message.EmailMessage:
    raw = mime.serialize(entity, headers)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def test_long_vietnamese_subject_and_names_round_trip() -> None:
    subject = "Tờ trình số 59/TTr-STTTT đề nghị ban hành Quy chế sử dụng hệ thống thư điện tử " * 2
    body = mime.text_entity("Kính gửi: Sở Thông tin và Truyền thông.", cte="quoted-printable")
    msg = _parse(
        body,
        [
            f"Subject: {mime.encoded_words(subject)}",
            f"From: {mime.address('Nguyễn Văn Bình', 'nguyenvanbinh.stnmt@binhphuoc.gov.vn')}",
        ],
    )
    assert msg["Subject"] == subject
    assert msg["From"].addresses[0].display_name == "Nguyễn Văn Bình"
    header = f"Subject: {mime.encoded_words(subject)}"
    assert all(len(line) <= 76 for line in mime.serialize(body, [header]).split(b"\r\n"))
    # CRLF is the canonical line end; the stdlib keeps it in decoded text.
    assert msg.get_content().replace("\r\n", "\n") == "Kính gửi: Sở Thông tin và Truyền thông.\n"


def test_filename_styles_all_decode() -> None:
    long_name = "Kế hoạch số 15 triển khai hệ thống thư điện tử công vụ năm 2024 (lần 2).pdf"
    for style in ("rfc2231", "both", "rfc2047"):
        for name in ("Kế hoạch số 15.pdf", long_name, "15-KH-UBND.pdf"):
            part = mime.attachment_entity(b"%PDF-1.4 test", "application/pdf", name, style)
            mixed = mime.multipart("mixed", "b1", [mime.text_entity("x"), part])
            msg = _parse(mixed, ["Subject: t"])
            (att,) = list(msg.iter_attachments())
            assert att.get_filename() == name, style
            assert att.get_content() == b"%PDF-1.4 test"
    assert "filename*1*=" in "\n".join(mime.filename_params(long_name, "rfc2231"))
