"""Reading a very large message without holding it in memory.

Called by the ingest workers for messages over :data:`LARGE` bytes. The stdlib
parser needs about nine times a message's size (a 67 MB message with a 50 MB
PDF peaks near 600 MB), so a large message is first walked line by line from
the store: the body of every big non-text part is decoded straight into a
temporary file and left out of a small *skeleton* copy of the message, which
the normal parser then reads. Headers, structure and text parts are all in the
skeleton; the spilled payloads come back from their files, one at a time, for
extraction. The raw message in the store is never changed.
"""

from __future__ import annotations

import base64
import binascii
import email
import hashlib
import quopri
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LARGE = 16 << 20          # messages above this are walked, not parsed whole
SPILL = 1 << 20           # non-text bodies above this go to a file
TEXT_KEEP = 4 << 20       # text bodies are cut here in the skeleton


@dataclass
class Spilled:
    path: str             # IMAP part number ("2", "1.3")
    file: Path
    size: int
    sha256: str           # of the decoded bytes, computed while they were written


@dataclass
class Walk:
    skeleton: bytes
    spilled: dict[str, Spilled] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    rest = b""
    for chunk in chunks:
        data = rest + chunk
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            yield data[start : nl + 1]
            start = nl + 1
        rest = data[start:]
        if len(rest) > 8 << 20:  # a monstrous line: hand it on in pieces
            yield rest
            rest = b""
    if rest:
        yield rest


class _Decoder:
    def __init__(self, cte: str, out: object) -> None:
        self.cte = cte
        self.out = out
        self.carry = b""
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, line: bytes) -> None:
        if self.cte == "base64":
            data = self.carry + b"".join(line.split())
            cut = len(data) - len(data) % 4
            self.carry = data[cut:]
            try:
                piece = base64.b64decode(data[:cut])
            except binascii.Error:
                piece = base64.b64decode(data[:cut], validate=False) if cut else b""
        elif self.cte == "quoted-printable":
            piece = quopri.decodestring(line)
        else:
            piece = line
        self.out.write(piece)  # type: ignore[attr-defined]
        self.hash.update(piece)
        self.size += len(piece)

    def close(self) -> None:
        if self.cte == "base64" and self.carry:
            try:
                piece = base64.b64decode(self.carry + b"=" * (-len(self.carry) % 4))
            except binascii.Error:
                piece = b""
            self.out.write(piece)  # type: ignore[attr-defined]
            self.hash.update(piece)
            self.size += len(piece)


def walk(chunks: Iterable[bytes], tmpdir: str | Path) -> Walk:
    """Stream a raw message into a skeleton plus spilled part bodies (see the module doc)."""
    out: list[bytes] = []
    result = Walk(b"")
    lines = _lines(chunks)
    _part(lines, "", out, result, Path(tmpdir), top=True)
    result.skeleton = b"".join(out)
    return result


def _header_block(lines: Iterator[bytes], out: list[bytes]) -> tuple[bytes, bytes | None]:
    """Copy a header block; return it and the line that ended it (None at the end)."""
    block: list[bytes] = []
    for line in lines:
        out.append(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(block), line
        block.append(line)
        if sum(len(x) for x in block) > 1 << 20:  # not a header block any more
            return b"".join(block), None
    return b"".join(block), None


def _part(lines: Iterator[bytes], path: str, out: list[bytes], res: Walk, tmp: Path, *,
          top: bool = False, end: tuple[bytes, ...] = ()) -> bytes | None:
    """Copy one part (headers, then body); return the boundary line that ended it, if any."""
    headers, sep = _header_block(lines, out)
    if sep is None:
        return None
    msg = email.message_from_bytes(headers + b"\r\n")
    ctype = msg.get_content_type()
    if msg.get_content_maintype() == "multipart":
        boundary = msg.get_boundary()
        if not boundary:
            return _body(lines, path or "1", ctype, "", out, res, tmp, end)
        b = boundary.encode("utf-8", "surrogateescape")
        mine = (b"--" + b, b"--" + b + b"--")
        # preamble, up to the first boundary
        line = None
        for line in lines:
            out.append(line)
            stripped = line.rstrip()
            if stripped in mine or stripped in end:
                break
        else:
            return None
        n = 0
        while line is not None and line.rstrip() == mine[0]:
            n += 1
            child = f"{path}.{n}" if path else str(n)
            line = _part(lines, child, out, res, tmp, end=(*mine, *end))
            if line is not None:
                out.append(line)
        if line is not None and line.rstrip() == mine[1]:
            # epilogue up to the parent's boundary
            for line in lines:
                if line.rstrip() in end:
                    return line
                out.append(line)
            return None
        return line
    cte = (msg.get("Content-Transfer-Encoding") or "").strip().lower()
    return _body(lines, path or "1", ctype, cte, out, res, tmp, end)


def _body(lines: Iterator[bytes], path: str, ctype: str, cte: str, out: list[bytes], res: Walk,
          tmp: Path, end: tuple[bytes, ...]) -> bytes | None:
    is_text = ctype.startswith("text/") or ctype == "message/rfc822"
    held: list[bytes] = []
    held_size = 0
    spill = None
    decoder = None
    kept = 0
    boundary_line: bytes | None = None
    for line in lines:
        if end and line.rstrip() in end:
            boundary_line = line
            break
        if spill is None:
            held.append(line)
            held_size += len(line)
            if held_size > SPILL and not is_text:
                f = tempfile.NamedTemporaryFile(dir=tmp, prefix="part-", delete=False)  # noqa: SIM115
                spill = f
                decoder = _Decoder(cte, f)
                for h in held:
                    decoder.write(h)
                held = []
            elif is_text and held_size > TEXT_KEEP:
                out.extend(held)
                kept += held_size
                held, held_size = [], 0
                spill = False  # type: ignore[assignment]  # text beyond TEXT_KEEP is dropped
                res.problems.append(f"part {path}: text cut at {TEXT_KEEP >> 20} MB while reading a large message")
        elif spill is False:
            continue
        else:
            assert decoder is not None
            decoder.write(line)
    if spill is None:
        out.extend(held)
    elif spill is not False:
        assert decoder is not None
        decoder.close()
        spill.close()
        # Keep the line structure valid: the part stays, with an empty body.
        out.append(b"\r\n")
        res.spilled[path] = Spilled(path, Path(spill.name), decoder.size, decoder.hash.hexdigest())
    return boundary_line
