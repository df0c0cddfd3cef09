"""PDF text with pypdf: text layer, empty-password encryption, broken xref, signatures.

Called by :func:`bparchive.extract.extract` for PDF attachments (usually inside an
:class:`~bparchive.extract.limits.ExtractorPool` worker, which enforces time and
memory). Legacy Vietnamese PDFs made with ``.VnTime``/``VNI-Times`` fonts produce
mis-decoded text; the font name is passed to ``vi.repair`` as a hint. A PDF with no
text layer is OCR'd when Tesseract is installed, else marked ``needs_ocr``.
"""

from __future__ import annotations

import io
import logging
import mmap
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from bparchive.extract.common import finish, font_hint
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction
from bparchive.extract.ocr import INSTALL_HINT, ocr_pdf

log = logging.getLogger(__name__)

_PDF_DATE = re.compile(
    r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+-])?(\d{2})?'?(\d{2})?'?"
)
_MIN_TEXT_PER_PAGE = 8


def pdf_date(value: str) -> str:
    """Convert a PDF date string (``D:20240305103000+07'00'``) to ISO 8601 when possible."""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return value
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    tz = UTC
    if sign in ("+", "-") and tzh:
        delta = timedelta(hours=int(tzh), minutes=int(tzm or 0))
        tz = timezone(delta if sign == "+" else -delta)
    try:
        return datetime(
            int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz
        ).isoformat()
    except ValueError:
        return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        for enc in ("utf-16", "utf-8", "latin-1"):
            try:
                return value.decode(enc)
            except UnicodeDecodeError:
                continue
    return str(value)


def _signatures(reader: Any) -> tuple[bool, str, str]:
    """Find a signed /Sig field: (signed, signer name, signing time)."""
    try:
        root = reader.trailer["/Root"].get_object()
        form = root.get("/AcroForm")
        if form is None:
            return False, "", ""
        fields = list(form.get_object().get("/Fields") or [])
    except (KeyError, AttributeError, TypeError, ValueError):
        return False, "", ""
    seen = 0
    while fields and seen < 2000:
        seen += 1
        try:
            field = fields.pop().get_object()
            kids = field.get("/Kids")
            if kids:
                fields.extend(list(kids))
            if field.get("/FT") != "/Sig" or field.get("/V") is None:
                continue
            value = field["/V"].get_object()
            name = _text(value.get("/Name"))
            when = _text(value.get("/M"))
            return True, name, pdf_date(when) if when else ""
        except (KeyError, AttributeError, TypeError, ValueError):
            continue
    return False, "", ""


def _fonts(page: Any) -> set[str]:
    names: set[str] = set()
    try:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            return names
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")))
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    return names


def extract_pdf(data: bytes, limits: ExtractLimits) -> Extraction:
    """Extract the text layer of a PDF.

    Args:
        data: PDF bytes.
        limits: page, text and OCR limits.

    Returns:
        ok/empty with text and signature data; encrypted when a password is needed;
        needs_ocr (or the OCR result) when there is no text layer; failed when unreadable.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        # A map (a large attachment spilled to a file) is read in place; bytes get a view.
        reader = PdfReader(data if isinstance(data, mmap.mmap) else io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (NotImplementedError, PdfReadError, ValueError) as exc:
                return Extraction(status="encrypted", reason=f"cannot decrypt: {exc}", kind="pdf")
            if not ok:
                return Extraction(
                    status="encrypted", reason="password required to open the PDF", kind="pdf"
                )
        total = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        return Extraction(status="failed", reason=f"unreadable PDF: {exc}"[:300], kind="pdf")
    signed, signer, when = _signatures(reader)
    texts: list[str] = []
    fonts: set[str] = set()
    size = 0
    errors = 0
    problems: list[str] = []
    last = min(total, limits.max_pages)
    for number in range(last):
        try:
            page = reader.pages[number]
            fonts |= _fonts(page)
            text = page.extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError,
                IndexError, ZeroDivisionError, RecursionError) as exc:  # fmt: skip
            # pypdf's LimitReachedError (a decompression bomb) lands here too.
            errors += 1
            problems.append(f"page {number + 1}: {type(exc).__name__}")
            log.debug("page %d: %s", number + 1, exc)
            text = ""
        texts.append(text)
        size += len(text)
        if size > limits.max_text_chars:
            last = number + 1
            break
    truncated = last < total
    joined = "\n\n".join(texts)
    meta = {"signed": signed, "signer": signer, "signing_time": when}
    if len(joined.strip()) < _MIN_TEXT_PER_PAGE * max(1, min(last, 3)) and total:
        ocr = None if errors == last else ocr_pdf(data, total, limits)
        if ocr is not None and len(ocr.text.strip()) > len(joined.strip()):
            return Extraction(**{**ocr.to_dict(), **meta})
        if errors and not joined.strip():
            reason = f"{errors} page(s) unreadable: " + ", ".join(problems[:5])
            return Extraction(status="failed", reason=reason, pages=total, kind="pdf", **meta)
        if ocr is not None and joined.strip():
            return finish(joined, "pdf", limits, hint=font_hint(fonts), pages=total, **meta)
        if ocr is not None:
            return Extraction(**{**ocr.to_dict(), **meta})
        return Extraction(
            text=joined.strip(),
            status="needs_ocr",
            reason=f"no text layer; {INSTALL_HINT}",
            pages=total,
            kind="pdf",
            **meta,
        )
    result = finish(joined, "pdf", limits, hint=font_hint(fonts), pages=total,
                    truncated=truncated, **meta)  # fmt: skip
    if errors:
        reason = f"{errors} page(s) unreadable: " + ", ".join(problems[:5])
        result = Extraction(**{**result.to_dict(), "reason": reason, "truncated": True})
    return result
