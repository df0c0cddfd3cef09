"""Decompression bombs and oversized messages through a full ``bparchive import``.

A zip bomb attachment and a PDF with a huge compressed stream: ingest finishes
in bounded time and memory and the attachment status says why. A 100 MB
header line and a message with 10,000 parts: bounded time, archived byte-exact,
and ``show --raw`` returns it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.security.helpers import cli, multipart

MB = 1 << 20
_MEASURE = (
    "import resource, subprocess, sys, json\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "print(json.dumps({'rc': r.returncode, 'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " 'err': r.stderr.decode('utf-8', 'replace')[-3000:]}))\n"
)


def _import_measured(home: Path, src: Path) -> tuple[dict, float]:
    t0 = time.monotonic()
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURE,
            sys.executable,
            "-m",
            "bparchive",
            "--home",
            str(home),
            "import",
            str(src),
            "--account",
            "local",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(r.stdout), time.monotonic() - t0


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("bao-cao.txt", "w", force_zip64=True) as fh:
            chunk = b"0" * MB
            for _ in range(600):
                fh.write(chunk)
        zf.writestr("nested.zip", b"PK\x03\x04" + b"\0" * 100)
    return buf.getvalue()


def _pdf_bomb() -> bytes:
    content = b"BT /F1 12 Tf 72 712 Td (Bao cao bom) Tj ET\n" + b" " * (400 * MB)
    stream = zlib.compress(content, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.mark.slow
def test_zip_and_pdf_bombs_are_bounded(tmp_path: Path) -> None:
    home, src = tmp_path / "home", tmp_path / "eml"
    src.mkdir()
    raw = multipart(
        "Bom nén",
        "Kẻ xấu",
        [
            ("bao-cao.zip", _zip_bomb(), "application/zip"),
            ("bao-cao.pdf", _pdf_bomb(), "application/pdf"),
        ],
    )
    (src / "bomb.eml").write_bytes(raw)
    res, seconds = _import_measured(home, src)
    assert res["rc"] == 0, res["err"]
    assert seconds < 240, f"import took {seconds:.0f} s"
    assert res["maxrss_kb"] < 1_600_000, f"peak RSS {res['maxrss_kb'] / 1024:.0f} MB"
    m = json.loads(cli(home, "show", "1", "--json").stdout)
    for a in m["attachments"]:
        assert len(a["text"] or "") <= 5 * MB, (a["filename"], len(a["text"]))
        if a["status"] != "ok":
            assert a["reason"], a
    print(
        {a["filename"]: (a["status"], a["reason"], len(a["text"] or "")) for a in m["attachments"]},
        seconds,
        res["maxrss_kb"],
    )
    assert cli(home, "show", "1", "--raw").stdout == raw


@pytest.mark.slow
def test_a_100_mb_header_line_is_archived_byte_exact(tmp_path: Path) -> None:
    home, src = tmp_path / "home", tmp_path / "eml"
    src.mkdir()
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: dong dai\r\nX-Long: "
        + b"a" * (100 * MB)
        + b"\r\nMessage-ID: <long@example.org>\r\n\r\nNoi dung.\r\n"
    )
    (src / "long.eml").write_bytes(raw)
    res, seconds = _import_measured(home, src)
    assert res["rc"] == 0, res["err"]
    assert seconds < 180, f"import took {seconds:.0f} s"
    out = cli(home, "show", "1", "--raw").stdout
    assert out == raw
    assert cli(home, "search", "dong dai", "--json").returncode == 0


@pytest.mark.slow
def test_a_message_with_10000_parts_is_archived_byte_exact(tmp_path: Path) -> None:
    home, src = tmp_path / "home", tmp_path / "eml"
    src.mkdir()
    body = b"".join(
        b'--p\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="t%d.txt"\r\n\r\nphan %d\r\n'
        % (i, i)
        for i in range(10_000)
    )
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: muoi nghin phan\r\n"
        b"Message-ID: <parts@example.org>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=p\r\n\r\n" + body + b"--p--\r\n"
    )
    (src / "parts.eml").write_bytes(raw)
    res, seconds = _import_measured(home, src)
    assert res["rc"] == 0, res["err"]
    assert seconds < 180, f"import took {seconds:.0f} s"
    assert cli(home, "show", "1", "--raw").stdout == raw
    m = json.loads(cli(home, "show", "1", "--json").stdout)
    assert len(m["attachments"]) <= 1000 and m["problems"], "the part limit should be hit and said"
