"""The result of extracting text from one attachment.

Produced by :func:`bparchive.extract.extract` (in-process or in a worker process) and
stored per attachment by the ingest stage; ``to_dict``/``from_dict`` are the form that
crosses process boundaries and goes into SQLite.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

STATUSES = frozenset(
    {
        "ok",
        "empty",
        "needs_ocr",
        "encrypted",
        "too_large",
        "timeout",
        "failed",
        "unsupported",
        "skipped",
    }
)


@dataclass(frozen=True)
class Extraction:
    """Text and metadata extracted from one document.

    Attributes:
        text: NFC, legacy-repaired text ("" unless status is ok/needs_ocr with partial text).
        status: ok | empty | needs_ocr | encrypted | too_large | timeout | failed |
            unsupported | skipped.
        reason: why the status is not ok (for people; "" when ok).
        pages: pages (PDF, slides, sheets) seen, 0 when not paged.
        encoding: ``vi`` repair applied to the text (unicode, tcvn3, vni, viscii, cp1258).
        signed: a PDF signature field with a value was found.
        signer: the signer's name when readable.
        signing_time: the signing time as ISO 8601 when parseable, else the raw value.
        truncated: a limit (pages, characters, archive entries) cut the text.
        kind: detected format: pdf, docx, xlsx, pptx, odt, ods, odp, rtf, doc, xls, ppt,
            html, text, zip, image, msg, unknown.
    """

    text: str = ""
    status: str = "ok"
    reason: str = ""
    pages: int = 0
    encoding: str = "unicode"
    signed: bool = False
    signer: str = ""
    signing_time: str = ""
    truncated: bool = False
    kind: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Rebuild from :meth:`to_dict` output (unknown keys ignored)."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)
