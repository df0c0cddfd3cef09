"""Hostile documents stay inside the limits; worker processes, signatures, legacy fonts."""

from __future__ import annotations

import io
import time
import zipfile
import zlib

import pytest

from bparchive.extract import ExtractLimits, ExtractorPool, detect_kind, extract, extract_isolated


def _zip_bomb(levels: int = 0) -> bytes:
    """A ~1 GB-of-zeros entry compressed to about 1 MB, plus a normal file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "tài liệu kèm theo")
        with zf.open("bomb.txt", "w", force_zip64=True) as handle:
            chunk = b"\0" * (1 << 20)
            for _ in range(1024):
                handle.write(chunk)
    data = buf.getvalue()
    for level in range(levels):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"level{level}.zip", data)
        data = outer.getvalue()
    return data


@pytest.mark.slow
def test_zip_bomb_is_bounded() -> None:
    data = _zip_bomb()
    assert len(data) < 3 * 1024 * 1024
    start = time.perf_counter()
    result = extract(data, "bomb.zip", "application/zip")
    assert time.perf_counter() - start < 10
    assert result.kind == "zip" and result.status == "ok"
    assert "tài liệu kèm theo" in result.text
    assert result.truncated and "bomb" in result.reason


def test_zip_limits_entries_unpacked_size_and_depth() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(50):
            zf.writestr(f"f{i}.txt", f"tệp {i} " * 100)
    limits = ExtractLimits(max_entries=10)
    result = extract(buf.getvalue(), "many.zip", "", limits)
    assert result.text.count("== f") == 10 and result.truncated
    small = extract(buf.getvalue(), "many.zip", "", ExtractLimits(max_unpacked=3000))
    assert small.truncated
    assert "size limit" in small.reason or "remaining" in small.reason
    nested = buf.getvalue()
    for _ in range(5):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w") as zf:
            zf.writestr("inner.zip", nested)
        nested = outer.getvalue()
    deep = extract(nested, "deep.zip", "", ExtractLimits(max_depth=3))
    assert "nested deeper than 3" in deep.reason


def _pdf_with_stream(content: bytes, compress: bool = True) -> bytes:
    stream = zlib.compress(content, 9) if compress else content
    filt = b"/Filter /FlateDecode " if compress else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filt + b"/Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]  # fmt: skip
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_simple_generated_pdf() -> None:
    data = _pdf_with_stream(b"BT /F1 12 Tf 72 700 Td (Hello archive) Tj ET")
    result = extract(data, "x.pdf", "application/pdf")
    assert (result.status, result.text, result.pages) == ("ok", "Hello archive", 1)


@pytest.mark.slow
def test_pdf_with_huge_stream_stays_in_limits() -> None:
    # 400 MB of content-stream operators compressed to well under 1 MB.
    content = b"BT /F1 12 Tf 72 700 Td (x) Tj ET\n" * (400 * 1024 * 1024 // 34)
    data = _pdf_with_stream(content)
    assert len(data) < 2 * 1024 * 1024
    del content
    limits = ExtractLimits(timeout_seconds=15, memory_mb=1024)
    start = time.perf_counter()
    result = extract_isolated(data, "huge.pdf", "application/pdf", limits)
    assert time.perf_counter() - start < 40
    assert result.status in ("ok", "empty", "needs_ocr", "timeout", "failed")
    if result.status in ("timeout", "failed"):
        assert result.reason
    assert len(result.text) <= limits.max_text_chars


def test_too_large_input_is_not_opened() -> None:
    result = extract(b"%PDF-1.4\n" + b"0" * 2000, "a.pdf", "", ExtractLimits(max_bytes=1000))
    assert result.status == "too_large" and result.kind == "pdf"


def test_worker_is_killed_at_the_time_limit_and_replaced() -> None:
    slow = _pdf_with_stream(b"BT /F1 12 Tf 72 700 Td (x) Tj ET\n" * 600_000, compress=False)
    quick = _pdf_with_stream(b"BT /F1 12 Tf 72 700 Td (Xin chao) Tj ET")
    with ExtractorPool(workers=1, limits=ExtractLimits(timeout_seconds=0.5)) as pool:
        start = time.perf_counter()
        result = pool.extract(slow, "slow.pdf", "application/pdf")
        assert result.status == "timeout" and "killed" in result.reason
        assert time.perf_counter() - start < 10
        # The pool replaced the worker and goes on.
        after = pool.extract(quick, "q.pdf", "application/pdf", ExtractLimits(timeout_seconds=30))
        assert after.text == "Xin chao"


def test_memory_limit_turns_into_failed() -> None:
    # Inflating 600 MB inside a 400 MB address space.
    bomb = _pdf_with_stream(b" " * (600 * 1024 * 1024 // 1))
    result = extract_isolated(bomb, "m.pdf", "application/pdf",
                              ExtractLimits(memory_mb=400, timeout_seconds=30))  # fmt: skip
    assert result.status in ("failed", "ok", "empty", "needs_ocr")
    if result.status == "failed":
        # Either pypdf's own decompression limit or the worker's address-space limit.
        assert any(w in result.reason for w in ("LimitReached", "memory", "died"))


def test_pool_map_uses_all_workers() -> None:
    docs = [(i, f"tài liệu số {i}".encode(), f"{i}.txt", "text/plain") for i in range(8)]
    with ExtractorPool(workers=2) as pool:
        results = dict(pool.map(docs))
    assert sorted(results) == list(range(8))
    assert results[3].text == "tài liệu số 3"


def test_signed_pdf_signer_and_time() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    sig_value = DictionaryObject({
        NameObject("/Type"): NameObject("/Sig"),
        NameObject("/Name"): TextStringObject("Nguyễn Văn A"),
        NameObject("/M"): TextStringObject("D:20240305103000+07'00'"),
    })  # fmt: skip
    field = DictionaryObject({
        NameObject("/FT"): NameObject("/Sig"),
        NameObject("/T"): TextStringObject("Signature1"),
        NameObject("/V"): writer._add_object(sig_value),
    })  # fmt: skip
    form = DictionaryObject({NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    buf = io.BytesIO()
    writer.write(buf)
    result = extract(buf.getvalue(), "signed.pdf", "application/pdf", ExtractLimits(ocr=False))
    assert result.signed
    assert result.signer == "Nguyễn Văn A"
    assert result.signing_time == "2024-03-05T10:30:00+07:00"


def test_image_only_pdf_without_ocr_needs_ocr() -> None:
    data = _pdf_with_stream(b"0 0 m 100 100 l S")
    result = extract(data, "scan.pdf", "application/pdf", ExtractLimits(ocr=False))
    assert result.status == "needs_ocr" and "tesseract" in result.reason


def test_legacy_font_hint_reaches_vi_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    from bparchive.extract import common

    seen: list[str | None] = []

    def spy(text: str, font_hint: str | None = None) -> tuple[str, str]:
        seen.append(font_hint)
        return text, "tcvn3" if font_hint else "unicode"

    monkeypatch.setattr(common.vi, "repair", spy)
    data = _pdf_with_stream(b"BT /F1 12 Tf 72 700 Td (Xin chao) Tj ET").replace(
        b"/BaseFont /Helvetica", b"/BaseFont /.VnTime"
    )
    result = extract(data, "legacy.pdf", "application/pdf")
    assert seen == [".VnTime"] and result.encoding == "tcvn3"


def test_legacy_encoded_text_file_is_repaired() -> None:
    # TCVN3 bytes from libiconv's sample go through vi.decode_bytes.
    from pathlib import Path

    folder = (
        Path(__file__).resolve().parents[2]
        / ".."
        / "shared"
        / "corpora"
        / "libiconv-vietnamese-charsets"
    )
    data = (folder / "TCVN-snippet").read_bytes()
    expected = (folder / "TCVN-snippet.UTF-8").read_text(encoding="utf-8")
    result = extract(data, "cv.txt", "text/plain")
    assert result.kind == "text"
    assert result.encoding != "unicode" or result.text.split() == expected.split()


def test_html_attachment_charsets() -> None:
    from pathlib import Path

    folder = (
        Path(__file__).resolve().parents[2]
        / ".."
        / "shared"
        / "corpora"
        / "mimekit-testdata"
        / "html"
    )
    texts = [extract((folder / f"Gimhae_Kim_clan.{v}.html").read_bytes(), "p.html", "").text
             for v in ("utf-8", "utf-16", "utf-16BE")]  # fmt: skip
    assert texts[0] and texts[0] == texts[1] == texts[2]


def test_legacy_doc_without_tool_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from bparchive.extract import office

    monkeypatch.setattr(office.shutil, "which", lambda _name: None)
    result = extract(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.doc", "application/msword"
    )
    assert result.status == "unsupported" and "antiword" in result.reason


def test_detect_kind() -> None:
    assert detect_kind(b"%PDF-1.7\n", "x.bin", "") == "pdf"
    assert detect_kind(b"{\\rtf1\\ansi x}", "", "") == "rtf"
    assert detect_kind("Xin chào".encode(), "", "application/octet-stream") == "text"
    assert detect_kind(b"\x89PNG\r\n\x1a\n", "a.txt", "") == "image"
    assert detect_kind(b"\x00\x01\x02\x03" * 100, "", "audio/mpeg") == "media"
