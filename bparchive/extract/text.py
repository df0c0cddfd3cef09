"""Plain text and CSV attachments: charset (and legacy Vietnamese encoding) detection.

Called by :func:`bparchive.extract.extract`; decoding goes through
``vi.decode_bytes`` so TCVN3/VNI/VISCII/Windows-1258 files come out as NFC Unicode.
"""

from __future__ import annotations

from bparchive.extract.common import decode, finish
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction


def extract_text(data: bytes, limits: ExtractLimits, charset: str | None = None) -> Extraction:
    """Decode a text file.

    Args:
        data: file bytes.
        limits: text limit.
        charset: declared charset, if any (a lie is detected by ``vi.decode_bytes``).

    Returns:
        ok/empty with the text and the encoding found.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", "replace"), "unicode"
    else:
        text, encoding = decode(data, charset)
    return finish(text.lstrip("\ufeff"), "text", limits, encoding=encoding)
