"""Office documents: DOCX, XLSX, PPTX, OpenDocument, RTF, and legacy .doc/.xls/.ppt.

Called by :func:`bparchive.extract.extract`. Text keeps document order (paragraphs and
tables interleaved); table rows become ``cell | cell`` lines; spreadsheet rows become
tab-separated lines. Legacy binary formats go through Debian's ``antiword`` /
``catdoc`` / ``xls2csv`` / ``catppt`` when installed. Font names (``w:rFonts``, RTF font
tables, ODF font faces) that reveal a legacy Vietnamese encoding are passed to
``vi.repair`` as a hint.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from bparchive.extract.common import finish, font_hint
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RFONTS = re.compile(rb'w:(?:ascii|hAnsi|cs)="([^"]{1,64})"')
_MAX_XML = 200 * 1024 * 1024


def _failed(kind: str, exc: BaseException) -> Extraction:
    return Extraction(
        status="failed", reason=f"unreadable {kind}: {type(exc).__name__}: {exc}"[:300], kind=kind
    )


def _zip_fonts(data: bytes, member_re: str, pattern: re.Pattern[bytes]) -> set[str]:
    names: set[str] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if re.match(member_re, info.filename) and info.file_size < _MAX_XML:
                    names |= {m.decode("utf-8", "replace") for m in pattern.findall(zf.read(info))}
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return names


def _docx_table(table: Any, out: list[str], depth: int = 0) -> None:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat the same element
                continue
            seen.add(id(cell._tc))
            parts: list[str] = []
            for block in cell.iter_inner_content():
                if hasattr(block, "rows"):
                    if depth < 5:
                        nested: list[str] = []
                        _docx_table(block, nested, depth + 1)
                        parts.append("\n".join(nested))
                else:
                    parts.append(block.text)
            cells.append(" ".join(p for p in parts if p.strip()))
        out.append(" | ".join(cells))


def extract_docx(data: bytes, limits: ExtractLimits) -> Extraction:
    """DOCX body (paragraphs and tables in order), then headers and footers."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        out: list[str] = []
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                _docx_table(block, out)
            else:
                out.append(block.text)
        extra: list[str] = []
        for section in document.sections:
            for part in (section.header, section.footer):
                try:
                    if part.is_linked_to_previous:
                        continue
                    extra.extend(p.text for p in part.paragraphs)
                except (ValueError, KeyError, AttributeError):
                    continue
    except Exception as exc:  # python-docx raises many types on broken packages
        return _failed("docx", exc)
    hint = font_hint(_zip_fonts(data, r"word/(document|styles|header\d*|footer\d*)\.xml$", _RFONTS))
    text = "\n".join(out + [t for t in extra if t.strip()])
    return finish(text, "docx", limits, hint=hint)


def extract_xlsx(data: bytes, limits: ExtractLimits) -> Extraction:
    """XLSX sheets (read-only mode), one tab-separated line per row."""
    import openpyxl

    out: list[str] = []
    size = 0
    truncated = False
    sheets = 0
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                sheets += 1
                if sheets > limits.max_pages:
                    truncated = True
                    break
                out.append(f"# {sheet.title}")
                for row in sheet.iter_rows(values_only=True):
                    cells = ["" if v is None else str(v) for v in row]
                    while cells and not cells[-1]:
                        cells.pop()
                    if not cells:
                        continue
                    line = "\t".join(cells)
                    out.append(line)
                    size += len(line)
                    if size > limits.max_text_chars:
                        truncated = True
                        break
                if truncated:
                    break
        finally:
            book.close()
    except Exception as exc:  # openpyxl raises many types on broken packages
        return _failed("xlsx", exc)
    hint = font_hint(_zip_fonts(data, r"xl/styles\.xml$", re.compile(rb'<name val="([^"]{1,64})"')))
    return finish("\n".join(out), "xlsx", limits, hint=hint, pages=sheets, truncated=truncated)


def extract_pptx(data: bytes, limits: ExtractLimits) -> Extraction:
    """PPTX slides: text frames and tables, then notes."""
    import pptx

    out: list[str] = []
    slides = 0
    fonts: set[str] = set()
    try:
        deck = pptx.Presentation(io.BytesIO(data))
        for slide in deck.slides:
            slides += 1
            if slides > limits.max_pages:
                break
            shapes = list(slide.shapes)
            while shapes:
                shape = shapes.pop(0)
                if getattr(shape, "shape_type", None) == 6 and hasattr(shape, "shapes"):  # group
                    shapes[:0] = list(shape.shapes)
                    continue
                if getattr(shape, "has_text_frame", False):
                    for para in shape.text_frame.paragraphs:
                        out.append("".join(run.text for run in para.runs))
                        fonts |= {r.font.name or "" for r in para.runs}
                if getattr(shape, "has_table", False):
                    for row in shape.table.rows:
                        out.append(" | ".join(cell.text for cell in row.cells))
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                out.append(slide.notes_slide.notes_text_frame.text)
    except Exception as exc:  # python-pptx raises many types on broken packages
        return _failed("pptx", exc)
    return finish("\n".join(out), "pptx", limits, hint=font_hint(fonts), pages=slides,
                  truncated=slides > limits.max_pages)  # fmt: skip


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODF_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def _odf_inline(elem: ET.Element) -> str:
    parts: list[str] = [elem.text or ""]
    for child in elem:
        tag = child.tag
        if tag == f"{{{_ODF_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_ODF_TEXT}}}c", "1") or 1))
        elif tag == f"{{{_ODF_TEXT}}}tab":
            parts.append("\t")
        elif tag == f"{{{_ODF_TEXT}}}line-break":
            parts.append("\n")
        elif tag in (
            f"{{{_ODF_TEXT}}}note",
            "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation",
        ):
            pass
        else:
            parts.append(_odf_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odf_blocks(root: ET.Element, out: list[str]) -> None:
    stack: list[ET.Element] = [root]
    while stack:
        elem = stack.pop()
        tag = elem.tag
        if tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            out.append(_odf_inline(elem))
            continue
        if tag == f"{{{_ODF_TABLE}}}table-row":
            cells = []
            for cell in elem:
                if not cell.tag.endswith("table-cell"):
                    continue
                repeat = min(
                    int(cell.get(f"{{{_ODF_TABLE}}}number-columns-repeated", "1") or 1), 50
                )
                text = " ".join(_odf_inline(p) for p in cell.iter(f"{{{_ODF_TEXT}}}p"))
                cells.extend([text] * (repeat if text else 1))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out.append("\t".join(cells))
            continue
        stack.extend(reversed(list(elem)))


def extract_odf(data: bytes, kind: str, limits: ExtractLimits) -> Extraction:
    """OpenDocument text/spreadsheet/presentation via zip + XML (content.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("content.xml")
            if info.file_size > _MAX_XML:
                return Extraction(status="too_large", reason="content.xml too large", kind=kind)
            root = ET.fromstring(zf.read(info))
            fonts = {
                f.get(f"{{{_ODF_SVG}}}font-family", "") + " " + f.get(f"{{{_ODF_STYLE}}}name", "")
                for f in root.iter(f"{{{_ODF_STYLE}}}font-face")
            }
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as exc:
        return _failed(kind, exc)
    out: list[str] = []
    _odf_blocks(root, out)
    return finish("\n".join(out), kind, limits, hint=font_hint(fonts))


_RTF_FONT = re.compile(r"\\f\d+[^;{}]*?\s([^;{}\\]{1,64});")


def extract_rtf(data: bytes, limits: ExtractLimits) -> Extraction:
    """RTF via striprtf, with the code page from ``\\ansicpg`` and font-table hints."""
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("latin-1")
    cpg = re.search(r"\\ansicpg(\d+)", raw[:4096])
    encoding = f"cp{cpg.group(1)}" if cpg else ("mac_roman" if "\\mac" in raw[:200] else "cp1252")
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except (ValueError, IndexError, UnicodeError, LookupError, RecursionError) as exc:
        return _failed("rtf", exc)
    hint = font_hint(set(_RTF_FONT.findall(raw[:65536])))
    return finish(text, "rtf", limits, hint=hint)


_LEGACY_TOOLS = {
    "doc": (["antiword", "-w", "0"], "antiword"),
    "xls": (["xls2csv", "-d", "utf-8"], "catdoc"),
    "ppt": (["catppt", "-d", "utf-8"], "catdoc"),
}


def extract_legacy(data: bytes, kind: str, limits: ExtractLimits) -> Extraction:
    """Legacy .doc/.xls/.ppt through antiword / xls2csv / catppt subprocesses."""
    command, package = _LEGACY_TOOLS[kind]
    tools = [command[0]] if kind != "doc" else ["antiword", "catdoc"]
    tool = next((t for t in tools if shutil.which(t)), None)
    if tool is None:
        return Extraction(
            status="unsupported",
            reason=f"install the Debian package {package} to read .{kind} files",
            kind=kind,
        )
    if tool == "catdoc":
        command = ["catdoc", "-d", "utf-8"]
    with tempfile.TemporaryDirectory(prefix="bpa-office-") as tmp:
        path = Path(tmp) / f"in.{kind}"
        path.write_bytes(data)
        try:
            result = subprocess.run(
                [*command, str(path)],
                capture_output=True,
                timeout=limits.timeout_seconds,
                check=False,
                env={"PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"},
            )
        except subprocess.TimeoutExpired:
            return Extraction(status="timeout", reason=f"{tool} took too long", kind=kind)
        except OSError as exc:
            return Extraction(status="failed", reason=f"{tool}: {exc}", kind=kind)
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 and not text.strip():
        err = result.stderr.decode("utf-8", "replace").strip()[:200]
        return Extraction(status="failed", reason=f"{tool} failed: {err}", kind=kind)
    return finish(text, kind, limits)
