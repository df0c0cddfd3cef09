"""Bodies, attachments, forwarded messages and hostile messages."""

from __future__ import annotations

import base64
import json
import time

import pytest

from bparchive.mail import MailLimits, ParsedMessage, parse_message, safe_filename


def _msg(headers: str, body: str | bytes) -> bytes:
    body_bytes = body if isinstance(body, bytes) else body.encode("utf-8")
    return headers.encode("utf-8") + b"\n\n" + body_bytes


def test_plain_vietnamese_message_fields() -> None:
    raw = _msg(
        "From: =?utf-8?Q?Ph=C3=B2ng_H=C3=A0nh_ch=C3=ADnh?= <hc@bo.gov.vn>\n"
        "To: a@x.vn, =?utf-8?B?TMOqIFbEg24gQg==?= <b@x.vn>\nCc: c@x.vn\n"
        "Subject: =?utf-8?B?Q8O0bmcgdsSDbiBz4buRIDEyMy9CVFRUVA==?=\n"
        "Date: Tue, 05 Mar 2024 10:00:00 +0700\nMessage-ID: <m1@x.vn>\n"
        "In-Reply-To: <m0@x.vn>\nReferences: <r1@x.vn> <m0@x.vn>\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit",
        "Kính gửi các đơn vị.\n",
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Công văn số 123/BTTTT"
    assert parsed.from_[0].name == "Phòng Hành chính"
    assert [a.email for a in parsed.to] == ["a@x.vn", "b@x.vn"]
    assert parsed.to[1].name == "Lê Văn B"
    assert parsed.cc[0].email == "c@x.vn"
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert parsed.message_id == "m1@x.vn"
    assert parsed.in_reply_to == "m0@x.vn"
    assert parsed.references == ("r1@x.vn", "m0@x.vn")
    assert parsed.body_text == "Kính gửi các đơn vị."
    assert parsed.body_encoding == "unicode"
    assert parsed.header("subject") == "Công văn số 123/BTTTT"
    data = json.loads(json.dumps(parsed.to_dict()))
    assert data["from"][0]["email"] == "hc@bo.gov.vn"
    assert ParsedMessage.from_dict(data) == parsed


def test_declared_charset_that_lies_is_repaired() -> None:
    body = "Kính gửi Ủy ban nhân dân tỉnh".encode()
    raw = _msg("Subject: x\nContent-Type: text/plain; charset=iso-8859-1", body)
    parsed = parse_message(raw)
    assert "Kính gửi Ủy ban" in parsed.body_text


def test_windows_1258_body() -> None:
    body = b"K\xednh g\xfd\xd2i"  # cp1258 writes the hook above as a combining mark
    parsed = parse_message(_msg("Subject: x\nContent-Type: text/plain; charset=windows-1258", body))
    assert parsed.body_text == "Kính gửi"
    assert parsed.text_parts[0].charset == "windows-1258"


def test_format_flowed_is_joined() -> None:
    body = "Đây là một dòng \r\nrất dài được \r\ngấp lại.\r\n> trích \r\n> dẫn\r\n-- \r\nký tên\r\n"
    raw = _msg("Content-Type: text/plain; charset=utf-8; format=flowed", body)
    text = parse_message(raw).body_text
    assert "Đây là một dòng rất dài được gấp lại." in text
    assert "> trích dẫn" in text
    assert "-- \nký tên" in text


def test_alternative_prefers_plain_and_falls_back_to_html() -> None:
    both = _msg(
        'Content-Type: multipart/alternative; boundary="a"',
        "--a\nContent-Type: text/plain; charset=utf-8\n\nbản văn\n"
        "--a\nContent-Type: text/html; charset=utf-8\n\n<p>bản <b>html</b></p>\n--a--\n",
    )
    parsed = parse_message(both)
    assert parsed.body_text == "bản văn" and not parsed.body_html
    html_only = _msg(
        'Content-Type: multipart/alternative; boundary="a"',
        "--a\nContent-Type: text/plain\n\n\n--a\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        '<p>Xem <a href="https://x.vn/doc">văn bản</a></p><table><tr><td>Số</td><td>12</td></tr>'
        "<tr><td>Ngày</td><td>5/3</td></tr></table></body></html>\n--a--\n",
    )
    parsed = parse_message(html_only)
    assert parsed.body_html
    assert "Xem văn bản <https://x.vn/doc>" in parsed.body_text
    assert "Số | 12\nNgày | 5/3" in parsed.body_text
    assert "alert" not in parsed.body_text and "color" not in parsed.body_text


def test_forwarded_message_is_read_recursively() -> None:
    inner = (
        "From: =?utf-8?Q?S=E1=BB=9F?= <so@x.vn>\nSubject: Gốc\nDate: Mon, 4 Mar 2024 09:00:00 +0700\n"
        'Content-Type: multipart/mixed; boundary="in"\n\n--in\nContent-Type: text/plain; '
        'charset=utf-8\n\nnội dung gốc\n--in\nContent-Type: application/pdf; name="qd.pdf"\n'
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--in--\n"
    )
    raw = _msg(
        'Subject: Fwd\nContent-Type: multipart/mixed; boundary="out"',
        f"--out\nContent-Type: text/plain\n\nsee below\n--out\nContent-Type: message/rfc822\n\n"
        f"{inner}\n--out--\n",
    )
    parsed = parse_message(raw)
    assert "see below" in parsed.body_text
    assert "---------- Forwarded message ----------" in parsed.body_text
    assert "Subject: Gốc" in parsed.body_text and "nội dung gốc" in parsed.body_text
    (pdf,) = parsed.attachments
    assert pdf.path == "2.2" and pdf.filename == "qd.pdf" and pdf.payload == b"%PDF-1.4\n"


def test_rfc2231_and_encoded_filenames() -> None:
    raw = _msg(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\nContent-Type: text/plain\n\nx\n"
        "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n"
        " filename*0*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20;\n filename*1*=s%E1%BB%91%201.pdf\n\nabc\n"
        '--b\nContent-Type: application/pdf; name="=?utf-8?B?Q8O0bmcgdsSDbi5wZGY=?="\n\nabc\n'
        '--b\nContent-Type: text/plain; name="../../etc/passwd"\nContent-Disposition: attachment\n'
        "Content-ID: <img1@x>\n\nroot\n--b--\n",
    )
    parts = parse_message(raw).attachments
    assert [p.filename for p in parts] == ["Quyết định số 1.pdf", "Công văn.pdf", "passwd"]
    assert parts[2].content_id == "img1@x"
    assert parts[2].disposition == "attachment"
    assert [p.index for p in parts] == [0, 1, 2]


def test_safe_filename() -> None:
    assert safe_filename("C:\\Users\\a\\..\\evil.exe") == "evil.exe"
    assert safe_filename("..") == ""
    assert safe_filename("a\x00b\nc.txt") == "a_b_c.txt"
    assert len(safe_filename("x" * 500 + ".pdf")) <= 255


def test_uuencode_inside_body() -> None:
    payload = bytes(range(256)) * 3
    import binascii

    lines = [binascii.b2a_uu(payload[i : i + 45]) for i in range(0, len(payload), 45)]
    block = b"begin 644 du lieu.bin\n" + b"".join(lines) + b"`\nend\n"
    parsed = parse_message(b"Subject: uu\n\nbefore\n" + block + b"after\n")
    (part,) = parsed.attachments
    assert part.payload == payload and part.filename == "du lieu.bin" and part.source == "uuencode"
    assert parsed.body_text.split() == ["before", "after"]


def test_dsn_report_text_is_in_body() -> None:
    raw = _msg(
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        "--r\nContent-Type: text/plain\n\nUndeliverable\n--r\nContent-Type: message/delivery-status"
        "\n\nReporting-MTA: dns; mx.x.vn\n\nFinal-Recipient: rfc822; a@x.vn\nStatus: 5.1.1\n--r--\n",
    )
    text = parse_message(raw).body_text
    assert "Undeliverable" in text and "Status: 5.1.1" in text


def test_garbage_never_raises() -> None:
    for raw in [b"", b"\x00\xff" * 100, b"Content-Type: multipart/mixed\n\n--", b"\n\n\n",
                b"Subject: =?utf-8?B?####?=\n\n", b"From: <<<@@@>>>\nDate: 99 99 99\n\n"]:  # fmt: skip
        parsed = parse_message(raw)
        assert isinstance(parsed, ParsedMessage)


@pytest.mark.slow
def test_ten_thousand_parts_stop_at_the_limit() -> None:
    parts = "".join(
        f'--b\nContent-Type: application/octet-stream; name="f{i}.bin"\n\npart {i}\n'
        for i in range(10_000)
    )
    raw = _msg('Subject: many\nContent-Type: multipart/mixed; boundary="b"', parts + "--b--\n")
    start = time.perf_counter()
    parsed = parse_message(raw, limits=MailLimits(max_parts=1000))
    assert time.perf_counter() - start < 10
    assert len(parsed.attachments) == 1000
    assert any("more than 1000 MIME parts" in p for p in parsed.problems)


@pytest.mark.parametrize("depth", [60, 5000])
def test_nesting_past_any_sane_depth(depth: int) -> None:
    head = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth)
    )
    tail = "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    raw = ("Subject: deep\n" + head + "Content-Type: text/plain\n\nbottom\n" + tail).encode()
    start = time.perf_counter()
    parsed = parse_message(raw, limits=MailLimits(max_depth=20))
    assert time.perf_counter() - start < 10
    assert parsed.subject == "deep"
    assert any("nest" in p for p in parsed.problems)
    assert "bottom" not in parsed.body_text


def test_nested_forwards_past_depth() -> None:
    raw = "Content-Type: text/plain\n\nbottom\n"
    for i in range(40):
        raw = f"Subject: level {i}\nContent-Type: message/rfc822\n\n{raw}"
    parsed = parse_message(raw.encode(), limits=MailLimits(max_depth=20))
    assert parsed.subject == "level 39"
    assert any("nest" in p for p in parsed.problems)


@pytest.mark.slow
def test_hundred_megabyte_header_line() -> None:
    raw = b"Subject: " + b"A" * 100_000_000 + b"\nFrom: a@x.vn\n\nbody text\n"
    start = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - start < 15
    assert parsed.from_[0].email == "a@x.vn"
    assert parsed.body_text == "body text"
    assert len(parsed.subject) <= MailLimits().max_header_chars
    assert any("header line longer" in p for p in parsed.problems)


def test_total_decoded_size_limit() -> None:
    blob = base64.encodebytes(b"\x00" * 300_000).decode()
    raw = _msg(
        'Content-Type: multipart/mixed; boundary="b"',
        "".join(
            f'--b\nContent-Type: application/octet-stream; name="{i}.bin"\n'
            f"Content-Transfer-Encoding: base64\n\n{blob}"
            for i in range(5)
        )
        + "--b--\n",
    )
    parsed = parse_message(raw, limits=MailLimits(max_total_decoded=1_000_000))
    assert [p.truncated for p in parsed.attachments] == [False, False, True, True, True]
    assert all(p.size > 0 for p in parsed.attachments)
    assert any("decoded size limit" in p for p in parsed.problems)
