"""ZIP attachments: inner files extracted one by one, with bomb-proof limits.

Called by :func:`bparchive.extract.extract`. Limits: entries looked at, total bytes
unpacked (counted while reading, not trusted from the headers), compression ratio per
entry, and nesting depth (a ZIP inside a ZIP…). Every skipped entry is named in the
reason; the text of each inner file is preceded by a ``== name ==`` line.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from bparchive.extract.common import finish
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction

_CHUNK = 1 << 20


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
    """Read an entry but stop once ``budget`` bytes came out (None = over budget)."""
    out = bytearray()
    with zf.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                return bytes(out)
            out += chunk
            if len(out) > budget:
                return None


def extract_zip(
    data: bytes,
    limits: ExtractLimits,
    depth: int,
    inner: Callable[[bytes, str, int], Extraction],
) -> Extraction:
    """Extract the text of the files inside a ZIP archive.

    Args:
        data: archive bytes.
        limits: entries, unpacked size, ratio and depth limits.
        depth: current nesting depth (0 for an attachment).
        inner: extractor for one inner file: ``(data, name, depth) -> Extraction``.

    Returns:
        ok/empty with the joined texts; ``truncated`` and a reason when limits cut it.
    """
    if depth >= limits.max_depth:
        return Extraction(
            status="skipped", reason=f"archive nested deeper than {limits.max_depth}", kind="zip"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        return Extraction(status="failed", reason=f"unreadable ZIP: {exc}", kind="zip")
    texts: list[str] = []
    notes: list[str] = []
    unpacked = 0
    truncated = False
    if len(infos) > limits.max_entries:
        notes.append(f"only the first {limits.max_entries} of {len(infos)} entries read")
        infos = infos[: limits.max_entries]
        truncated = True
    with zf:
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            if info.flag_bits & 0x1:
                notes.append(f"{name}: encrypted")
                continue
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                notes.append(f"{name}: compression ratio {ratio:.0f} looks like a bomb, skipped")
                truncated = True
                continue
            budget = min(limits.max_bytes, limits.max_unpacked - unpacked)
            if budget <= 0:
                notes.append(f"unpacked size limit {limits.max_unpacked} bytes reached")
                truncated = True
                break
            try:
                content = _read_bounded(zf, info, budget)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                notes.append(f"{name}: unreadable ({exc})")
                continue
            if content is None:
                notes.append(f"{name}: larger than the remaining {budget} bytes, skipped")
                unpacked += budget
                truncated = True
                continue
            unpacked += len(content)
            result = inner(content, name.rsplit("/", 1)[-1], depth + 1)
            if result.text.strip():
                texts.append(f"== {name} ==\n{result.text}")
            elif result.reason and result.reason != "no text found":
                notes.append(f"{name}: {result.status} ({result.reason})")
            truncated = truncated or result.truncated
    done = finish("\n\n".join(texts), "zip", limits, encoding="unicode", truncated=truncated)
    if notes:
        status = done.status if done.status == "ok" else "skipped"
        done = Extraction(**{**done.to_dict(), "status": status, "reason": "; ".join(notes)[:2000]})
    return done
