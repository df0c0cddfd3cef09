"""Build real RFC 5322 messages and Maildirs for the export, report and filing tests.

Messages are written byte by byte (CRLF, UTF-8 headers encoded as RFC 2047,
attachment names as RFC 2231) so that hostile names reach the parser as a
real mailer would send them.
"""

from __future__ import annotations

import base64
import hashlib
from email.header import Header
from pathlib import Path
from urllib.parse import quote

# Subjects of shared/domain/filing.md §17 (with their expected category).
SUBJECTS = {
    "invitation": ("Giấy mời họp giao ban tháng 7/2024 (Số 112/GM-UBND)", "thu_moi"),
    "schedule": (
        "Lịch công tác tuần 28 (từ 08/7 đến 12/7/2024) của Lãnh đạo UBND tỉnh",
        "lich_cong_tac",
    ),
    "periodic": ("Báo cáo quý II/2024 về kết quả cải cách hành chính", "bao_cao_dinh_ky"),
    "notice": ("Thông báo số 87/TB-VP ý kiến kết luận của Chủ tịch UBND tỉnh", "thong_bao"),
    "letter": ("Công văn số 2125/BTTTT-ƯDCNTT V/v hướng dẫn triển khai chữ ký số", "cong_van"),
    "draft": ("V/v lấy ý kiến góp ý dự thảo Nghị quyết của HĐND tỉnh", "du_thao_gop_y"),
    "secret": ("[MẬT] Kế hoạch bảo đảm an ninh", "van_ban_mat"),
    "plan": ("Kế hoạch số 45/KH-UBND triển khai Đề án 06 năm 2024", "khac"),
}


def _addr(value: str) -> str:
    if "<" in value:
        name, _, rest = value.partition("<")
        return f"{Header(name.strip(), 'utf-8').encode()} <{rest}"
    return value


def message(
    n: int,
    subject: str,
    *,
    sender: str = "Sở TT&TT <sotttt@binhphuoc.gov.vn>",
    to: tuple[str, ...] = ("UBND tỉnh <ubnd@binhphuoc.gov.vn>",),
    cc: tuple[str, ...] = (),
    date: str = "Mon, 01 Jul 2024 08:00:00 +0700",
    body: str = "Kính gửi: các cơ quan, đơn vị.\r\nĐề nghị các đơn vị thực hiện.\r\n",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    extra_body_lines: tuple[bytes, ...] = (),
) -> bytes:
    """One message; ``attachments`` are (file name, bytes, content type)."""
    head = [
        f"From: {_addr(sender)}",
        f"To: {', '.join(_addr(t) for t in to)}",
        *([f"Cc: {', '.join(_addr(c) for c in cc)}"] if cc else []),
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {date}",
        f"Message-ID: <t{n}.{hashlib.sha1(subject.encode()).hexdigest()[:8]}@binhphuoc.gov.vn>",
        "MIME-Version: 1.0",
    ]
    text = body.encode("utf-8") + b"".join(line + b"\r\n" for line in extra_body_lines)
    if not attachments:
        head += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + text
    boundary = f"=_bp_{n}_boundary"
    head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    out = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8")
    out += f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n".encode()
    out += b"Content-Transfer-Encoding: 8bit\r\n\r\n" + text + b"\r\n"
    for name, data, ctype in attachments:
        enc = quote(name, safe="")
        out += (
            f"--{boundary}\r\nContent-Type: {ctype}\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{enc}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        b64 = base64.b64encode(data)
        out += b"\r\n".join(b64[i : i + 76] for i in range(0, len(b64), 76)) + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out


def maildir(root: Path, folders: dict[str, list[tuple[bytes, str]]]) -> Path:
    """A Maildir++ at ``root``: ``{"INBOX": [(raw, "FS")], ".Sent": [...]}`` (dir names as given)."""
    n = 0
    for folder, msgs in folders.items():
        d = root if folder == "INBOX" else root / folder
        for sub in ("cur", "new", "tmp"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        for raw, flags in msgs:
            n += 1
            (d / "cur" / f"{1720000000 + n}.M{n}.test:2,{flags}").write_bytes(raw)
    return root


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
