"""Open TNEF (``winmail.dat``, ``application/ms-tnef``) parts.

Called by :mod:`bparchive.mail.parser` when a part is TNEF. ``tnefparse`` reads the
stream; its RTF body comes back compressed unless the optional ``compressed_rtf``
package is present, so the small MS-OXRTFCP decompressor lives here.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

_INIT_DICT = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
    b"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
    b"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)


def decompress_rtf(data: bytes, max_out: int = 64 * 1024 * 1024) -> bytes:
    """Decompress MS-OXRTFCP compressed RTF (``LZFu``) or unwrap ``MELA`` (stored).

    Args:
        data: the PR_RTF_COMPRESSED property value.
        max_out: output cap (hostile streams).

    Returns:
        The RTF bytes; b"" when the header is not recognised.
    """
    if len(data) < 16:
        return b""
    comp_size, raw_size, magic = struct.unpack_from("<II4s", data, 0)
    body = data[16 : 4 + comp_size]
    if magic == b"MELA":
        return body[:raw_size]
    if magic != b"LZFu":
        return b""
    window = bytearray(4096)
    window[: len(_INIT_DICT)] = _INIT_DICT
    wpos = len(_INIT_DICT)
    out = bytearray()
    pos = 0
    limit = min(raw_size, max_out) if raw_size else max_out
    while pos < len(body) and len(out) < limit:
        control = body[pos]
        pos += 1
        for bit in range(8):
            if pos >= len(body):
                break
            if control & (1 << bit):
                if pos + 1 >= len(body):
                    return bytes(out)
                word = (body[pos] << 8) | body[pos + 1]
                pos += 2
                offset, length = word >> 4, (word & 0xF) + 2
                if offset == wpos:
                    return bytes(out)
                for i in range(length):
                    byte = window[(offset + i) % 4096]
                    out.append(byte)
                    window[wpos] = byte
                    wpos = (wpos + 1) % 4096
            else:
                byte = body[pos]
                pos += 1
                out.append(byte)
                window[wpos] = byte
                wpos = (wpos + 1) % 4096
    return bytes(out[:limit])


@dataclass
class TnefContent:
    """What a TNEF stream holds: attachments (name, bytes) and the best body text."""

    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    body: bytes = b""
    body_kind: str = ""  # "text", "html" or "rtf"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return ctrl > len(sample) // 20


def read_tnef(payload: bytes) -> TnefContent:
    """Read a TNEF stream with tnefparse.

    Args:
        payload: the decoded winmail.dat bytes.

    Returns:
        Its attachments and body.

    Raises:
        ValueError: the stream is not readable TNEF (any tnefparse failure is mapped to it).
    """
    from tnefparse import TNEF  # lazily: only a few messages carry TNEF

    try:
        tnef = TNEF(payload)
    except Exception as exc:  # tnefparse raises bare ValueError/struct.error/IndexError…
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    content = TnefContent()
    for att in getattr(tnef, "attachments", None) or []:
        try:
            name = att.long_filename() or att.name
        except Exception:  # broken MAPI attributes: fall back to the short name
            name = getattr(att, "name", "") or ""
        content.attachments.append((str(name), bytes(getattr(att, "data", b"") or b"")))
    body = getattr(tnef, "body", None)
    html = getattr(tnef, "htmlbody", None)
    rtf = getattr(tnef, "_rtfbody", None)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(html, str):
        html = html.encode("utf-8")
    if body and not _looks_binary(body):
        content.body, content.body_kind = bytes(body).rstrip(b"\x00"), "text"
    elif html and not _looks_binary(html):
        content.body, content.body_kind = bytes(html).rstrip(b"\x00"), "html"
    elif rtf:
        raw = decompress_rtf(bytes(rtf))
        if raw:
            content.body, content.body_kind = raw, "rtf"
    return content
