"""Render the attachments of the demo mailbox: PDF, DOCX, XLSX.

Called by :mod:`bparchive.demo.generator`, which caches what this module
renders (one rendering per document, reused by every message that carries the
document, as forwarded mail does in real mailboxes).

The output is byte-for-byte reproducible: PDF creation dates are fixed, and
DOCX/XLSX zip containers are rewritten with fixed member timestamps (both
python-docx and openpyxl stamp the current time otherwise).

fpdf2 and the DejaVu fonts are development-time needs (``pip install
'bparchive[dev]'``, Debian ``fonts-dejavu-core``); a missing one raises
:class:`~bparchive.errors.BPArchiveError` with what to install.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bparchive.errors import BPArchiveError

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# One face only: each embedded subset costs ~10 KiB, and the shipped sample
# must stay small. Headings are set larger instead of bold.
_FONTS = {"": "DejaVuSerif.ttf"}
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class DocContent:
    """The printed form of one official document (NĐ 30/2020 Phụ lục I layout).

    Attributes:
        superior: governing body, upper case (``UBND TỈNH BÌNH PHƯỚC``).
        issuer: issuing agency, upper case.
        refno: ``Số: 59/TTr-STTTT``.
        place_date: ``Bình Phước, ngày 06 tháng 10 năm 2009``.
        marks: secrecy / urgency stamps (``MẬT``, ``HỎA TỐC``).
        title: document type in capitals (``TỜ TRÌNH``), empty for a công văn.
        summary: the *trích yếu* (``Về việc …`` or ``V/v …``).
        blocks: ``(kind, text)`` with kind ``h`` (heading) or ``p`` (paragraph).
        recipients: the *Nơi nhận* lines.
        sign_role: signing lines (``KT. GIÁM ĐỐC``, ``PHÓ GIÁM ĐỐC``).
        signer: the signer's name.
        date: document date, used for file metadata.
        author: author recorded in DOCX/XLSX properties.
    """

    superior: str
    issuer: str
    refno: str
    place_date: str
    marks: tuple[str, ...]
    title: str
    summary: str
    blocks: tuple[tuple[str, str], ...]
    recipients: tuple[str, ...]
    sign_role: tuple[str, ...]
    signer: str
    date: datetime
    author: str


def _missing(what: str, hint: str) -> BPArchiveError:
    return BPArchiveError(
        f"The demo mail generator needs {what}: {hint}", title="Missing development dependency"
    )


def _fpdf() -> Any:
    try:
        import fpdf  # type: ignore[import-untyped, unused-ignore]
    except ModuleNotFoundError as exc:
        raise _missing("fpdf2", "pip install 'bparchive[dev]' (or pip install fpdf2)") from exc
    for name in _FONTS.values():
        if not (FONT_DIR / name).is_file():
            raise _missing(
                f"the DejaVu font {FONT_DIR / name}",
                "apt-get install fonts-dejavu-core fonts-dejavu-extra",
            )
    return fpdf


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


@functools.lru_cache(maxsize=1)
def _advance_widths() -> tuple[dict[int, int], int]:
    """Advance widths (font units) by code point, and units per em, of the PDF face."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_DIR / _FONTS[""]), lazy=True)
    hmtx = font["hmtx"]
    widths = {cp: hmtx[glyph][0] for cp, glyph in font.getBestCmap().items()}
    return widths, int(font["head"].unitsPerEm)


def _wrap(text: str, size: float, width_mm: float) -> list[str]:
    """Greedy word wrap measured with the font's own advance widths.

    fpdf2's ``multi_cell`` measures every character through several layers and
    was most of the rendering time; this is the same greedy algorithm, ~10x faster.
    """
    widths, upm = _advance_widths()
    scale = size / upm * 25.4 / 72
    space = widths.get(32, upm // 3)
    lines: list[str] = []
    for raw_line in text.split("\n"):
        line, line_w = "", 0.0
        for word in raw_line.split(" "):
            w = sum(widths.get(ord(c), upm // 2) for c in word)
            if line and (line_w + space + w) * scale > width_mm:
                lines.append(line)
                line, line_w = word, w
            elif line:
                line, line_w = f"{line} {word}", line_w + space + w
            else:
                line, line_w = word, w
        lines.append(line)
    return lines


def _para(pdf: Any, text: str, size: float, height: float, width: float, align: str = "L") -> None:
    pdf.set_font("DejaVu", "", size)
    x = pdf.get_x()
    for line in _wrap(text, size, width - 2):
        pdf.set_x(x)
        pdf.cell(width, height, line, align=align, new_x="LMARGIN", new_y="NEXT")


def render_pdf(doc: DocContent) -> bytes:
    """Render a document as a PDF with a real (extractable) Vietnamese text layer.

    Raises:
        BPArchiveError: fpdf2 or the DejaVu fonts are missing.
    """
    fpdf = _fpdf()
    pdf = fpdf.FPDF(format="A4")
    pdf.set_creation_date(_utc(doc.date))
    pdf.set_producer("bparchive demo")
    pdf.set_title(f"{doc.title or 'CÔNG VĂN'} {doc.refno}")
    pdf.set_author(doc.author)
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    for style, name in _FONTS.items():
        pdf.add_font("DejaVu", style, str(FONT_DIR / name))
    pdf.add_page()
    nl = {"new_x": "LMARGIN", "new_y": "NEXT"}
    top = pdf.get_y()
    _para(pdf, doc.superior, 10, 5, 70, "C")
    _para(pdf, doc.issuer, 10, 5, 70, "C")
    left_bottom = pdf.get_y()
    pdf.set_xy(95, top)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(95, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", **nl)
    pdf.set_x(95)
    pdf.cell(95, 5, "Độc lập - Tự do - Hạnh phúc", align="C", **nl)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 2)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(70, 6, doc.refno, align="C")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(95, 6, doc.place_date, align="C", **nl)
    pdf.set_font("DejaVu", "", 11)
    for mark in doc.marks:
        pdf.cell(70, 6, mark, align="C", **nl)
    if not doc.title:
        _para(pdf, doc.summary, 10, 5, 70, "C")
    pdf.ln(4)
    if doc.title:
        pdf.set_font("DejaVu", "", 13)
        pdf.cell(0, 7, doc.title, align="C", **nl)
        _para(pdf, doc.summary, 12, 6, 165, "C")
        pdf.ln(3)
    for kind, text in doc.blocks:
        _para(pdf, text, 12.5 if kind == "h" else 12, 6, 165)
        if kind == "p":
            pdf.ln(1)
    pdf.ln(4)
    y = pdf.get_y()
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(80, 5, "Nơi nhận:", **nl)
    pdf.set_font("DejaVu", "", 9)
    for line in doc.recipients:
        pdf.cell(80, 4.5, line, **nl)
    bottom = pdf.get_y()
    pdf.set_y(y)
    pdf.set_font("DejaVu", "", 11)
    for line in doc.sign_role:
        pdf.set_x(110)
        pdf.cell(80, 6, line, align="C", **nl)
    pdf.ln(16)
    pdf.set_x(110)
    pdf.cell(80, 6, doc.signer, align="C", **nl)
    pdf.set_y(max(bottom, pdf.get_y()))
    return bytes(pdf.output())


def render_big_pdf(doc: DocContent, size_mb: int, seed: int) -> bytes:
    """A PDF of about ``size_mb`` MiB: a text page plus an embedded scan blob.

    The blob is incompressible pseudo-random data (SHAKE-256 of the seed), so
    the attachment really is that large on the wire and in memory.
    """
    fpdf = _fpdf()
    blob = hashlib.shake_256(f"bparchive-big:{seed}".encode()).digest(size_mb * 1024 * 1024)
    pdf = fpdf.FPDF(format="A4")
    pdf.set_creation_date(_utc(doc.date))
    pdf.set_producer("bparchive demo")
    pdf.add_font("DejaVu", "", str(FONT_DIR / _FONTS[""]))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 6, "\n".join([doc.issuer, doc.refno, doc.summary]), align="L")
    pdf.embed_file(
        bytes=blob,
        basename="ban-quet.tif",
        modification_date=_utc(doc.date),
        creation_date=_utc(doc.date),
        compress=False,
    )
    return bytes(pdf.output())


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip container with fixed timestamps and attributes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.create_system = 3
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def render_docx(doc: DocContent) -> bytes:
    """Render a document as DOCX (python-docx), reproducibly."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    d = docx.Document()
    # The default template carries parts Word does not need (Word 2010 style
    # effects, a thumbnail, custom XML): dropping them takes 30 KiB off each file.
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            d.part.drop_rel(rid)
    package_rels = d.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    props = d.core_properties
    naive = _utc(doc.date).replace(tzinfo=None)
    props.author = doc.author
    props.last_modified_by = doc.author
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.revision = 1
    props.title = f"{doc.title or 'CÔNG VĂN'} {doc.refno}"
    header = d.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = f"{doc.superior}\n{doc.issuer}\n{doc.refno}"
    right.text = (
        f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n{doc.place_date}"
    )
    for mark in doc.marks:
        d.add_paragraph().add_run(mark).bold = True
    if doc.title:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(doc.title).bold = True
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(doc.summary).bold = True
    for kind, text in doc.blocks:
        if kind == "h":
            d.add_paragraph().add_run(text).bold = True
        else:
            d.add_paragraph(text)
    d.add_paragraph().add_run("Nơi nhận:").bold = True
    for line in doc.recipients:
        d.add_paragraph(line)
    sig = d.add_paragraph()
    sig.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sig.add_run("\n".join(doc.sign_role) + "\n\n\n" + doc.signer).bold = True
    buf = io.BytesIO()
    d.save(buf)
    return normalize_zip(buf.getvalue())


def render_xlsx(title: str, header: list[str], rows: list[list[Any]], doc: DocContent) -> bytes:
    """Render a one-sheet report table as XLSX (openpyxl), reproducibly."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append([doc.issuer])
    ws.append([title])
    ws.append([doc.place_date])
    ws.append([])
    ws.append(header)
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append(["Người lập biểu", "", "", doc.signer])
    ws.column_dimensions["B"].width = 42
    naive = _utc(doc.date).replace(tzinfo=None)
    wb.properties.creator = doc.author
    wb.properties.lastModifiedBy = doc.author
    wb.properties.created = naive
    wb.properties.modified = naive
    wb.properties.title = title
    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() stamps "modified" with now().
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return normalize_zip(buf.getvalue())
