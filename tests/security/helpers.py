"""Helpers of the security suite: hostile messages and CLI runs."""

from __future__ import annotations

import os
import subprocess
import sys
from email.header import Header
from pathlib import Path


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m bparchive --home HOME ARGS``; output kept as bytes."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(home), *args],
        capture_output=True,
        env=e,
        timeout=timeout,
        check=False,
    )


def encoded(text: str) -> str:
    """An RFC 2047 encoded-word, so any character survives the header."""
    return Header(text, "utf-8").encode()


def multipart(
    subject: str,
    from_name: str,
    parts: list[tuple[str, bytes, str]],
    *,
    body: str = "Nội dung thư.",
) -> bytes:
    """A message with ``parts`` = [(filename, payload, content type)] attached (base64)."""
    import base64

    out = [
        f"From: {encoded(from_name)} <evil@example.org>\r\nTo: ubnd@binhphuoc.gov.vn\r\n"
        f"Subject: {encoded(subject)}\r\nMessage-ID: <{abs(hash(subject))}@example.org>\r\n"
        "Date: Mon, 1 Jul 2024 08:00:00 +0700\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="==b=="\r\n\r\n'
        "--==b==\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ]
    raw = out[0].encode() + body.encode() + b"\r\n"
    for name, payload, ctype in parts:
        raw += (
            f"--==b==\r\nContent-Type: {ctype}\r\n"
            f'Content-Disposition: attachment; filename="{encoded(name)}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode() + base64.encodebytes(payload).replace(b"\n", b"\r\n")
    return raw + b"--==b==--\r\n"


def import_messages(
    home: Path, tmp: Path, messages: list[bytes], account: str = "local"
) -> subprocess.CompletedProcess[bytes]:
    """Write ``messages`` as .eml files and ``bparchive import`` the folder."""
    src = tmp / "eml"
    src.mkdir(exist_ok=True)
    for i, raw in enumerate(messages):
        (src / f"{i:04d}.eml").write_bytes(raw)
    return cli(home, "import", str(src), "--account", account)
