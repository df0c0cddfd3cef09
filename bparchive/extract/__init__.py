"""Attachment text extraction: one module per format, run under limits.

Public API (used by the ingest stage and ``bparchive show``):

- ``extract(data, filename, content_type, limits=None) -> Extraction``: in-process,
  never raises for bad documents; use it inside a worker.
- ``extract_isolated(data, filename, content_type, limits=None, pool=None)``: the same in
  a worker process killed at the time limit, with an address-space limit.
- ``ExtractorPool(workers=None, limits=None, max_tasks_per_child=200)``: reusable
  workers for the ingest stage (``extract``/``map``/``close``; a context manager).
- ``Extraction``, ``ExtractLimits``, ``detect_kind(data, filename, content_type)``.

All text leaving this package went through ``vi.repair`` or ``vi.decode_bytes``:
NFC, legacy Vietnamese encodings repaired, the repair recorded in ``encoding``.
"""

from __future__ import annotations

import logging
import mmap

from bparchive.extract.limits import ExtractLimits, ExtractorPool, extract_isolated
from bparchive.extract.model import STATUSES, Extraction

log = logging.getLogger(__name__)

__all__ = [
    "STATUSES",
    "ExtractLimits",
    "Extraction",
    "ExtractorPool",
    "detect_kind",
    "extract",
    "extract_isolated",
]

_ZIP_KINDS = {
    "word/": "docx",
    "xl/": "xlsx",
    "ppt/": "pptx",
}
_ODF_MIMES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_EXT_KINDS = {
    "pdf": "pdf", "docx": "docx", "docm": "docx", "xlsx": "xlsx", "xlsm": "xlsx",
    "pptx": "pptx", "odt": "odt", "ods": "ods", "odp": "odp", "rtf": "rtf",
    "doc": "doc", "xls": "xls", "ppt": "ppt", "msg": "msg", "htm": "html", "html": "html",
    "xhtml": "html", "txt": "text", "csv": "text", "tsv": "text", "xml": "text",
    "json": "text", "md": "text", "eml": "text", "zip": "zip",
    "png": "image", "jpg": "image", "jpeg": "image", "tif": "image", "tiff": "image",
    "gif": "image", "bmp": "image", "webp": "image",
}  # fmt: skip
_TYPE_KINDS = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.ms-outlook": "msg",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "text/html": "html",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
}
_SKIP_TYPES = ("audio/", "video/", "font/")


def _zip_kind(data: bytes) -> str:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100].strip()
                for key, kind in _ODF_MIMES.items():
                    if mime.startswith(key):
                        return kind
            for prefix, kind in _ZIP_KINDS.items():
                if any(n.startswith(prefix) for n in names[:200]):
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return "unknown"
    return "zip"


def _ole_kind(data: bytes, ext_kind: str) -> str:
    if ext_kind in ("doc", "xls", "ppt", "msg"):
        return ext_kind
    head = data[:65536]
    utf16 = lambda s: s.encode("utf-16-le")  # noqa: E731
    if utf16("WordDocument") in head:
        return "doc"
    if utf16("Workbook") in head or utf16("Book") in head:
        return "xls"
    if utf16("PowerPoint Document") in head:
        return "ppt"
    if utf16("__substg1.0_") in data[:1_000_000]:
        return "msg"
    return "unknown"


def detect_kind(data: bytes, filename: str = "", content_type: str = "") -> str:
    """Detect a document's format from its bytes first, then its name and declared type.

    Args:
        data: document bytes.
        filename: file name (may lie or be missing).
        content_type: declared MIME type (may lie).

    Returns:
        One of pdf, docx, xlsx, pptx, odt, ods, odp, rtf, doc, xls, ppt, msg, html, text,
        zip, image, media, unknown.
    """
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ext_kind = _EXT_KINDS.get(ext, "")
    ctype = (content_type or "").split(";")[0].strip().lower()
    head = data[:1024]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data, ext_kind)
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    if ctype.startswith(_SKIP_TYPES):
        return "media"
    lower = stripped[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower[:300]:
        return "html"
    if ext_kind or ctype in _TYPE_KINDS:
        kind = ext_kind or _TYPE_KINDS[ctype]
        if kind not in ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "zip", "image"):
            return kind
    if ctype.startswith("text/"):
        return "html" if ctype == "text/html" else "text"
    sample = data[:8192]
    if sample and sample.count(b"\x00") == 0:
        try:
            sample.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start > len(sample) - 4:
                return "text"
        controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
        if controls < len(sample) // 100 + 1:
            return "text"
    return "unknown"


def extract(
    data: bytes,
    filename: str,
    content_type: str,
    limits: ExtractLimits | None = None,
) -> Extraction:
    """Extract readable text from one attachment, in this process.

    Args:
        data: the attachment bytes.
        filename: its file name (used only to help type detection).
        content_type: declared MIME type.
        limits: size, page, text and depth limits (time and memory are enforced by
            :func:`extract_isolated` / :class:`ExtractorPool`, not here).

    Returns:
        The extraction; failures are a status with a reason, never an exception
        (except MemoryError/KeyboardInterrupt, which the worker reports).
    """
    if not isinstance(data, bytes | mmap.mmap):
        data = bytes(data)
    return _extract(data, filename or "", content_type or "", limits or ExtractLimits(), 0)


def _extract(
    data: bytes, filename: str, content_type: str, limits: ExtractLimits, depth: int
) -> Extraction:
    if len(data) > limits.max_bytes:
        return Extraction(
            status="too_large",
            reason=f"{len(data)} bytes is over the {limits.max_bytes}-byte limit",
            kind=detect_kind(data[:65536], filename, content_type),
        )
    if not data:
        return Extraction(status="empty", reason="empty file")
    kind = detect_kind(data, filename, content_type)
    try:
        return _dispatch(kind, data, filename, content_type, limits, depth)
    except MemoryError:
        raise
    except RecursionError as exc:
        return Extraction(status="failed", reason=f"document nested too deeply: {exc}", kind=kind)
    except Exception as exc:  # one broken document must not stop the ingest
        log.warning("extractor for %s failed on %r", kind, filename, exc_info=True)
        return Extraction(status="failed", reason=f"{type(exc).__name__}: {exc}"[:500], kind=kind)


def _dispatch(
    kind: str, data: bytes, filename: str, content_type: str, limits: ExtractLimits, depth: int
) -> Extraction:
    from bparchive.extract import archive, html, ocr, office, pdf, text

    if kind == "pdf":
        return pdf.extract_pdf(data, limits)
    if kind == "docx":
        return office.extract_docx(data, limits)
    if kind == "xlsx":
        return office.extract_xlsx(data, limits)
    if kind == "pptx":
        return office.extract_pptx(data, limits)
    if kind in ("odt", "ods", "odp"):
        return office.extract_odf(data, kind, limits)
    if kind == "rtf":
        return office.extract_rtf(data, limits)
    if kind in ("doc", "xls", "ppt"):
        return office.extract_legacy(data, kind, limits)
    if kind == "html":
        return html.extract_html(data, limits)
    if kind == "text":
        charset = None
        for param in content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip("\"'")
        return text.extract_text(data, limits, charset)
    if kind == "image":
        return ocr.ocr_image(data, limits)
    if kind == "zip":

        def inner(content: bytes, name: str, level: int) -> Extraction:
            if len(content) > limits.max_bytes:
                return Extraction(status="too_large", reason="inner file too large")
            if not content:
                return Extraction(status="empty")
            return _dispatch(detect_kind(content, name, ""), content, name, "", limits, level)

        return archive.extract_zip(data, limits, depth, inner)
    if kind == "msg":
        return Extraction(
            status="unsupported", reason="Outlook .msg files are not read yet", kind=kind
        )
    if kind == "media":
        return Extraction(status="skipped", reason="audio/video has no text", kind=kind)
    return Extraction(
        status="unsupported", reason=f"unknown format ({content_type or 'no type'})", kind=kind
    )
