"""OCR with Tesseract (``-l vie+eng``) for images and PDFs without a text layer.

Called by :mod:`bparchive.extract.pdf` (scanned PDFs, rasterised with poppler's
``pdftoppm``) and by :func:`bparchive.extract.extract` for image attachments. When
``tesseract`` is not on PATH the result is status ``needs_ocr`` and the reason names
the Debian packages (``bparchive doctor`` says the same).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bparchive.extract.common import finish
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction

INSTALL_HINT = "install the Debian packages tesseract-ocr and tesseract-ocr-vie to enable OCR"


def tesseract_available() -> bool:
    """True when the ``tesseract`` command is on PATH."""
    return shutil.which("tesseract") is not None


def languages() -> str:
    """Tesseract language string: ``vie+eng`` when the Vietnamese data is installed."""
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "eng"
    langs = set(out.split())
    return "vie+eng" if "vie" in langs else "eng"


def _run_tesseract(image: Path, langs: str, timeout: float) -> str:
    env = {"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    result = subprocess.run(
        ["tesseract", str(image), "stdout", "-l", langs],
        capture_output=True,
        timeout=max(1.0, timeout),
        check=False,
        env=env,
    )
    return result.stdout.decode("utf-8", "replace")


def ocr_image(data: bytes, limits: ExtractLimits, kind: str = "image") -> Extraction:
    """OCR one image file.

    Args:
        data: image bytes (PNG, JPEG, TIFF, GIF, BMP…).
        limits: time and text limits.
        kind: the kind to report.

    Returns:
        Status ok/empty, or needs_ocr when Tesseract is missing or disabled.
    """
    if not (limits.ocr and tesseract_available()):
        return Extraction(status="needs_ocr", reason=INSTALL_HINT, kind=kind)
    with tempfile.TemporaryDirectory(prefix="bpa-ocr-") as tmp:
        path = Path(tmp) / "image"
        path.write_bytes(data)
        try:
            text = _run_tesseract(path, languages(), limits.timeout_seconds)
        except subprocess.TimeoutExpired:
            return Extraction(status="timeout", reason="tesseract took too long", kind=kind)
        except OSError as exc:
            return Extraction(status="failed", reason=f"tesseract: {exc}", kind=kind)
    result = finish(text, kind, limits)
    return result


def ocr_pdf(data: bytes, pages: int, limits: ExtractLimits) -> Extraction | None:
    """Rasterise a PDF with ``pdftoppm`` and OCR each page.

    Args:
        data: PDF bytes (an empty user password is handled by poppler).
        pages: page count known from pypdf.
        limits: ``ocr_max_pages`` and time limit.

    Returns:
        The OCR extraction, or None when OCR is not possible (no tesseract/pdftoppm).
    """
    if not (limits.ocr and tesseract_available() and shutil.which("pdftoppm")):
        return None
    deadline = time.monotonic() + limits.timeout_seconds
    last = max(1, min(pages or 1, limits.ocr_max_pages))
    langs = languages()
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bpa-ocr-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            subprocess.run(
                ["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", str(last),
                 str(src), str(Path(tmp) / "p")],
                capture_output=True,
                timeout=max(1.0, deadline - time.monotonic()),
                check=False,
            )  # fmt: skip
            for image in sorted(Path(tmp).glob("p*.png")):
                texts.append(_run_tesseract(image, langs, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return Extraction(
                text="\n\n".join(texts),
                status="timeout",
                reason=f"OCR stopped after {len(texts)} page(s) at the time limit",
                pages=pages,
                kind="pdf",
                truncated=True,
            )
    result = finish("\f".join(texts).replace("\f", "\n\n"), "pdf", limits, pages=pages,
                    truncated=pages > last)  # fmt: skip
    return result
