"""Turn raw RFC 5322 bytes into a :class:`~bparchive.mail.model.ParsedMessage`.

Called by the ingest stage for every stored message (and by ``bparchive show``).
The stdlib ``email`` parser with ``policy=compat32`` does the MIME splitting: it is the
policy that survives hostile input best (it keeps 8-bit header bytes as surrogate
escapes instead of raising, does no eager header parsing, and was faster on the
corpora). Everything after the split is ours: header decoding through
:mod:`bparchive.mail.headers`, lenient transfer decodings, charset repair through
:mod:`bparchive.vi`, body selection, uuencode and TNEF unpacking. A pre-pass cuts
absurd lines, the walk is bounded by :class:`MailLimits`, and nothing raises:
problems are recorded in ``ParsedMessage.problems``.
"""

from __future__ import annotations

import binascii
import email
import email.message
import email.parser
import email.policy
import logging
import quopri
import re
from dataclasses import dataclass, field

from bparchive import vi
from bparchive.htmltext import html_to_text
from bparchive.mail.headers import (
    decode_header,
    decode_words,
    parse_addresses,
    parse_date,
    parse_ids,
    safe_decode_bytes,
)
from bparchive.mail.model import Address, MailLimits, ParsedMessage, Part, TextPart
from bparchive.mail.tnef import read_tnef

log = logging.getLogger(__name__)

_MAX_HEADERS = 5000


class _RawHeaders(email.policy.Compat32):
    """compat32, except header values come back raw (8-bit kept as surrogate escapes).

    Plain compat32 wraps such values in ``Header(…, unknown-8bit)`` and ``str()`` of that
    turns the bytes into U+FFFD, which loses raw UTF-8 file names.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        return value


_POLICY = _RawHeaders()
_HARD_DEPTH = 200  # the walk recurses; never deeper than this whatever the limits say
_UU_BEGIN = re.compile(rb"^begin(?:-base64)? +([0-7]{3,4}) +([^\r\n]+?)\r?$", re.MULTILINE)
_UU_END = re.compile(rb"^end\r?$", re.MULTILINE)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")
_REPORT_TYPES = frozenset(
    {
        "message/delivery-status",
        "message/disposition-notification",
        "message/feedback-report",
        "message/global-delivery-status",
        "message/global-disposition-notification",
    }
)
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global", "message/news"})


@dataclass
class _Ctx:
    limits: MailLimits
    problems: list[str] = field(default_factory=list)
    attachments: list[Part] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    body_chars: int = 0
    text_parts: list[TextPart] = field(default_factory=list)
    html_body: bool = False
    parts_seen: int = 0
    parts_capped: bool = False
    decoded_total: int = 0
    size_capped: bool = False
    depth_reported: bool = False

    def problem(self, text: str) -> None:
        if text not in self.problems and len(self.problems) < 200:
            self.problems.append(text)

    def add_body(self, text: str) -> None:
        room = self.limits.max_body_chars - self.body_chars
        if room <= 0:
            self.problem(f"body text cut at {self.limits.max_body_chars} characters")
            return
        if len(text) > room:
            text = text[:room]
            self.problem(f"body text cut at {self.limits.max_body_chars} characters")
        self.body.append(text)
        self.body_chars += len(text) + 2

    def add_attachment(self, **kwargs: object) -> None:
        self.attachments.append(Part(index=len(self.attachments), **kwargs))  # type: ignore[arg-type]


def _child_path(prefix: str, index: int) -> str:
    return f"{prefix}.{index}" if prefix else str(index)


def _cut_long_lines(raw: bytes, limits: MailLimits, problems: list[str]) -> bytes:
    """Shorten absurd physical lines before the stdlib parser sees them."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    end = -1
    for sep in (b"\r\n\r\n", b"\n\n", b"\n\r\n"):
        pos = raw.find(sep)
        if pos != -1 and (end == -1 or pos < end):
            end = pos
    header_end = len(raw) if end == -1 else end
    if header_end > limits.max_header_line:
        lines = raw[:header_end].split(b"\n")
        if any(len(line) > limits.max_header_line for line in lines):
            problems.append(f"header line longer than {limits.max_header_line} bytes cut")
            lines = [line[: limits.max_header_line] for line in lines]
            raw = b"\n".join(lines) + raw[header_end:]
    if len(raw) > limits.max_line:
        lines = raw.split(b"\n")
        if any(len(line) > limits.max_line for line in lines):
            problems.append(f"line longer than {limits.max_line} bytes cut")
            raw = b"\n".join(line[: limits.max_line] for line in lines)
    return raw


def _to_bytes(value: str) -> bytes:
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def _b64(data: bytes) -> bytes:
    clean = re.sub(rb"[^A-Za-z0-9+/]", b"", data.split(b"=", 1)[0] if b"==" in data else data)
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    clean += b"=" * (-len(clean) % 4)
    try:
        return binascii.a2b_base64(clean)
    except binascii.Error:
        return b""


def _uu_lines(lines: list[bytes]) -> bytes:
    out = bytearray()
    for line in lines:
        line = line.rstrip(b"\r\n")
        if not line or line in (b"`", b" "):
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders drop trailing spaces or pad badly (same workaround as the
            # old ``uu`` module): decode only the bytes the length byte announces.
            nbytes = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:nbytes])
            except binascii.Error:
                continue
    return bytes(out)


def _uudecode(data: bytes) -> bytes:
    lines = data.splitlines()
    start = 0
    for i, line in enumerate(lines):
        if line.startswith(b"begin "):
            start = i + 1
            break
    body: list[bytes] = []
    for line in lines[start:]:
        if line.strip() == b"end":
            break
        body.append(line)
    return _uu_lines(body)


def _decode_transfer(part: email.message.Message, data: bytes) -> bytes:
    cte = str(part.get("content-transfer-encoding", "") or "").lower()
    norm = re.sub(r"[^a-z0-9]", "", cte)
    if "base64" in norm:
        return _b64(data)
    if norm.startswith(("quotedprint", "qp")):
        return quopri.decodestring(data)
    if norm in ("uuencode", "xuuencode", "uue", "xuue", "xuuencoded"):
        return _uudecode(data)
    return data


def _payload(part: email.message.Message, ctx: _Ctx, path: str) -> tuple[bytes, int, bool]:
    """Return (decoded bytes, size, truncated) honouring the total decoded size limit."""
    # ``get_payload()`` would replace 8-bit bytes using the declared charset; the
    # surrogate-escaped original is what we need to hand to vi.decode_bytes.
    raw = getattr(part, "_payload", None)
    if not isinstance(raw, str):
        return b"", 0, False
    data = _to_bytes(raw)
    if ctx.decoded_total + len(data) > ctx.limits.max_total_decoded:
        if not ctx.size_capped:
            ctx.problem(
                f"decoded size limit {ctx.limits.max_total_decoded} bytes reached at part {path}"
            )
            ctx.size_capped = True
        return b"", len(data), True
    decoded = _decode_transfer(part, data)
    ctx.decoded_total += len(decoded)
    return decoded, len(decoded), False


def safe_filename(name: str) -> str:
    """Reduce a decoded attachment name to a bare, printable, NFC file name.

    Args:
        name: the name as found (may contain directories, control characters, ``..``).

    Returns:
        The last path component with unsafe characters replaced; "" when nothing is left.
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().strip(".").strip()
    try:
        name = vi.normalize(name)
    except (ValueError, TypeError):
        pass
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) < 16 else name[:255]
    return name


def _filename(part: email.message.Message) -> str:
    try:
        raw = part.get_filename()
    except (ValueError, LookupError, TypeError, IndexError):
        raw = None
    if not raw:
        return ""
    return safe_filename(decode_words(str(raw)))


def _disposition(part: email.message.Message) -> str:
    try:
        value = part.get_content_disposition()
    except (ValueError, TypeError, IndexError):
        value = None
    return (value or "").strip().lower()


def _unflow(text: str, delsp: bool) -> str:
    """Join format=flowed lines (RFC 3676)."""
    out: list[str] = []
    buf = ""
    buf_quote = -1
    for line in text.split("\n"):
        line = line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if buf_quote != -1 and depth != buf_quote:
            out.append(">" * buf_quote + (" " if buf_quote else "") + buf)
            buf, buf_quote = "", -1
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        buf += content
        buf_quote = depth
        if not soft:
            out.append(">" * depth + (" " if depth else "") + buf)
            buf, buf_quote = "", -1
    if buf_quote != -1:
        out.append(">" * buf_quote + (" " if buf_quote else "") + buf)
    return "\n".join(out)


def _extract_uuencoded(payload: bytes, path: str, ctx: _Ctx) -> bytes:
    """Move uuencoded blocks out of a text body into attachments; return the rest."""
    if b"begin " not in payload:
        return payload
    rest = bytearray()
    pos = 0
    count = 0
    for begin in _UU_BEGIN.finditer(payload):
        if begin.start() < pos:
            continue
        end = _UU_END.search(payload, begin.end())
        if not end:
            break
        lines = payload[begin.end() : end.start()].splitlines()
        if not lines or any(len(line.rstrip()) > 100 for line in lines[:5]):
            continue
        data = _uu_lines(lines)
        rest += payload[pos : begin.start()]
        pos = end.end()
        count += 1
        name = safe_filename(safe_decode_bytes(begin.group(2).strip(), None)[0])
        ctx.add_attachment(
            path=f"{path}.u{count}",
            filename=name,
            content_type=_guess_type(name),
            size=len(data),
            source="uuencode",
            payload=data,
        )
    rest += payload[pos:]
    return bytes(rest)


_EXT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "htm": "text/html",
    "html": "text/html",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "zip": "application/zip",
}


def _guess_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _EXT_TYPES.get(ext, "application/octet-stream")


def _tnef(payload: bytes, path: str, ctx: _Ctx) -> bool:
    """Open a winmail.dat: inner attachments and body. Return False if it is not TNEF."""
    try:
        content = read_tnef(payload)
    except (ValueError, ImportError) as exc:
        ctx.problem(f"TNEF part {path} unreadable: {exc}"[:300])
        return False
    for count, (name, data) in enumerate(content.attachments, 1):
        name = safe_filename(name)
        ctx.add_attachment(
            path=f"{path}.{count}",
            filename=name,
            content_type=_guess_type(name),
            size=len(data),
            source="tnef",
            payload=data,
        )
    text, encoding = "", "unicode"
    if content.body_kind == "rtf":
        text, encoding = _repair(_rtf_text(content.body, ctx, path))
    elif content.body:
        text, encoding = safe_decode_bytes(content.body, None)
        if content.body_kind == "html":
            text = html_to_text(text, ctx.limits.max_body_chars)
    text = text.replace("\r\n", "\n").strip()
    squeezed = " ".join(text.split())
    if squeezed and not any(squeezed in " ".join(b.split()) for b in ctx.body):
        ctx.add_body(text)
        ctx.text_parts.append(TextPart(path, "application/ms-tnef", "", encoding, len(text)))
    return True


def _rtf_text(rtf: bytes, ctx: _Ctx, path: str) -> str:
    from striprtf.striprtf import rtf_to_text  # lazily: RTF bodies are rare

    try:
        return str(rtf_to_text(rtf.decode("latin-1"), errors="ignore"))
    except (ValueError, IndexError, UnicodeError, LookupError) as exc:
        ctx.problem(f"RTF body at {path} unreadable: {exc}"[:300])
        return ""


def _repair(text: str) -> tuple[str, str]:
    try:
        return vi.repair(text)
    except (ValueError, LookupError, UnicodeError):
        return text, "unicode"


def _leaf(part: email.message.Message, path: str, ctx: _Ctx, in_body: bool) -> None:
    ctype = part.get_content_type()
    disposition = _disposition(part)
    filename = _filename(part)
    charset = ""
    try:
        charset = (part.get_content_charset() or "").strip()
    except (ValueError, LookupError, TypeError):
        charset = ""
    payload, size, truncated = _payload(part, ctx, path)
    is_body_type = ctype in ("text/plain", "text/html")
    if is_body_type and disposition != "attachment" and not filename and in_body:
        if ctype == "text/plain":
            payload = _extract_uuencoded(payload, path, ctx)
        text, encoding = safe_decode_bytes(payload, charset)
        if ctype == "text/html":
            text = html_to_text(text, ctx.limits.max_body_chars)
            if not ctx.body:
                ctx.html_body = True
        else:
            fmt = str(part.get_param("format", "") or "").lower()
            if fmt == "flowed":
                delsp = str(part.get_param("delsp", "") or "").lower() == "yes"
                text = _unflow(text.replace("\r\n", "\n"), delsp)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip("\n")
        if text.strip():
            ctx.add_body(text)
        ctx.text_parts.append(TextPart(path, ctype, charset, encoding, len(text)))
        return
    is_tnef = ctype == "application/ms-tnef" or filename.lower() == "winmail.dat"
    if is_tnef and payload and _tnef(payload, path, ctx):
        return
    body_encoding = ""
    if ctype.startswith("text/") and payload and not truncated:
        _text, body_encoding = safe_decode_bytes(payload[:65536], charset)
    cid = str(part.get("content-id", "") or "").strip().strip("<>").strip()
    ctx.add_attachment(
        path=path,
        filename=filename,
        content_type=ctype,
        size=size,
        content_id=decode_header(cid, 998),
        disposition=disposition,
        charset=charset if ctype.startswith("text/") else "",
        body_encoding=body_encoding,
        truncated=truncated,
        payload=payload,
    )


def _report_text(part: email.message.Message) -> str:
    blocks: list[str] = []
    payload = part.get_payload()
    if isinstance(payload, list):
        for block in payload[:100]:
            if isinstance(block, email.message.Message):
                lines = [f"{k}: {decode_header(str(v), 2000)}" for k, v in block.raw_items()]
                blocks.append("\n".join(lines))
    elif isinstance(payload, str):
        blocks.append(payload)
    return "\n\n".join(blocks).strip()


def _forward_header(msg: email.message.Message, limits: MailLimits) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To", "Cc"):
        value = msg.get_all(name) if name in msg else None
        if value:
            lines.append(f"{name}: {decode_header(str(value[0]), limits.max_header_chars)}")
    return "\n".join(lines)


def _walk_message(msg: email.message.Message, prefix: str, depth: int, ctx: _Ctx) -> None:
    """Walk a message root (top level or inside message/rfc822)."""
    if msg.is_multipart() and not msg.get_content_type().startswith("message/"):
        _walk_multipart(msg, prefix, depth, ctx)
    else:
        _walk_part(msg, _child_path(prefix, 1), depth, ctx, in_body=True)


def _too_deep(depth: int, path: str, ctx: _Ctx) -> bool:
    if depth >= min(ctx.limits.max_depth, _HARD_DEPTH):
        if not ctx.depth_reported:
            ctx.problem(
                f"nesting deeper than {ctx.limits.max_depth} levels at part {path}: not read"
            )
            ctx.depth_reported = True
        return True
    return False


def _is_attachment(part: email.message.Message) -> bool:
    return _disposition(part) == "attachment" or bool(_filename(part))


def _walk_multipart(part: email.message.Message, path: str, depth: int, ctx: _Ctx) -> None:
    if _too_deep(depth, path or "1", ctx):
        return
    children = part.get_payload()
    if not isinstance(children, list):
        return
    ctype = part.get_content_type()
    if ctype == "multipart/alternative" and len(children) > 1:
        chosen = _choose_alternative(children)
        for i, child in enumerate(children, 1):
            if not isinstance(child, email.message.Message):
                continue
            ctype_child = child.get_content_type()
            if i == chosen:
                _walk_part(child, _child_path(path, i), depth + 1, ctx, in_body=True)
            elif ctype_child not in ("text/plain", "text/html") and not child.is_multipart():
                _walk_part(child, _child_path(path, i), depth + 1, ctx, in_body=False)
        return
    for i, child in enumerate(children, 1):
        if ctx.parts_capped:
            return
        if isinstance(child, email.message.Message):
            _walk_part(child, _child_path(path, i), depth + 1, ctx, in_body=True)


def _choose_alternative(children: list[email.message.Message]) -> int:
    """Pick the alternative to read (1-based): non-empty text/plain first, else the richest."""
    plain = 0
    other = 0
    for i, child in enumerate(children, 1):
        if not isinstance(child, email.message.Message) or _is_attachment(child):
            continue
        ctype = child.get_content_type()
        if ctype == "text/plain":
            raw = child.get_payload()
            if isinstance(raw, str) and raw.strip():
                plain = i
        elif ctype == "text/html" or child.is_multipart():
            other = i
    return plain or other or len(children)


def _walk_part(
    part: email.message.Message, path: str, depth: int, ctx: _Ctx, *, in_body: bool
) -> None:
    ctx.parts_seen += 1
    if ctx.parts_seen > ctx.limits.max_parts:
        if not ctx.parts_capped:
            ctx.problem(f"more than {ctx.limits.max_parts} MIME parts: the rest not read")
            ctx.parts_capped = True
        return
    ctype = part.get_content_type()
    payload = part.get_payload()
    if ctype in _MESSAGE_TYPES:
        if _too_deep(depth, path, ctx):
            return
        inner: email.message.Message | None = None
        if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
            inner = payload[0]
        elif isinstance(payload, str):
            data, _size, truncated = _payload(part, ctx, path)
            if data and not truncated:
                inner = _parse_bytes(data, ctx)
        if inner is None:
            return
        ctx.add_body(_forward_header(inner, ctx.limits))
        _walk_message(inner, path, depth + 1, ctx)
        return
    if ctype in _REPORT_TYPES:
        text = _report_text(part)
        if text:
            ctx.add_body(text)
            ctx.text_parts.append(TextPart(path, ctype, "", "unicode", len(text)))
        return
    if isinstance(payload, list):
        _walk_multipart(part, path, depth, ctx)
        return
    if ctype.startswith("multipart/") and isinstance(payload, str):
        if _reparse_multipart(part, payload, path, depth, ctx):
            return
        part = _as_text(part)
    _leaf(part, path, ctx, in_body)


def _reparse_multipart(
    part: email.message.Message, payload: str, path: str, depth: int, ctx: _Ctx
) -> bool:
    """A multipart whose declared boundary is absent: retry with the one the body uses."""
    found = re.search(r"^--([^\s]{1,200}?)\s*$", payload, re.MULTILINE)
    if not found or _too_deep(depth, path, ctx):
        return False
    boundary = found.group(1).replace('"', "")
    head = f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\n\n'
    inner = _parse_bytes(head.encode("ascii", "replace") + _to_bytes(payload), ctx)
    if inner is None or not isinstance(inner.get_payload(), list) or not inner.get_payload():
        return False
    ctx.problem(f"part {path or '1'}: declared boundary not found, used --{boundary}")
    _walk_multipart(inner, path, depth, ctx)
    return True


def _as_text(part: email.message.Message) -> email.message.Message:
    """Treat an unsplittable multipart as text/plain so its words are not lost."""
    clone = email.message.Message(policy=_POLICY)
    for name, value in part.raw_items():
        if name.lower() != "content-type":
            clone[name] = value
    clone["Content-Type"] = "text/plain"
    clone.set_payload(getattr(part, "_payload", "") or "")
    return clone


def _parse_bytes(raw: bytes, ctx: _Ctx) -> email.message.Message | None:
    try:
        return email.message_from_bytes(raw, policy=_POLICY)
    except RecursionError:
        ctx.problem(
            "MIME nesting too deep for the parser: only the headers were read "
            f"(limit {ctx.limits.max_depth} levels)"
        )
        try:
            return email.parser.BytesParser(policy=_POLICY).parsebytes(raw, headersonly=True)
        except RecursionError:
            return None


def _headers(msg: email.message.Message, ctx: _Ctx) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for n, (name, value) in enumerate(msg.raw_items()):
        if n >= _MAX_HEADERS:
            ctx.problem(f"more than {_MAX_HEADERS} header fields: the rest ignored")
            break
        raw.setdefault(str(name).strip().lower(), []).append(str(value))
    return raw


def parse_message(raw: bytes, *, limits: MailLimits | None = None) -> ParsedMessage:
    """Parse one raw message into plain data; never raises on bad input.

    Args:
        raw: the exact RFC 5322 bytes as stored (mbox ``From `` line and BOM tolerated).
        limits: bounds for parts, depth, line length and decoded size.

    Returns:
        The parsed message; anything wrong or cut is listed in ``problems``.
    """
    limits = limits or MailLimits()
    ctx = _Ctx(limits=limits)
    if not isinstance(raw, bytes):
        raw = bytes(raw)
    try:
        return _parse(raw, ctx)
    except Exception as exc:  # last line of defence: the raw message is still archived
        log.exception("parse_message failed")
        ctx.problem(f"parser error: {type(exc).__name__}: {exc}"[:500])
        return ParsedMessage(problems=tuple(ctx.problems))


def _parse(raw: bytes, ctx: _Ctx) -> ParsedMessage:
    limits = ctx.limits
    raw = _cut_long_lines(raw, limits, ctx.problems)
    msg = _parse_bytes(raw, ctx)
    if msg is None:
        return ParsedMessage(problems=tuple(ctx.problems))
    for defect in getattr(msg, "defects", [])[:20]:
        ctx.problem(f"defect: {type(defect).__name__}")
    headers = _headers(msg, ctx)

    def first(name: str) -> str:
        values = headers.get(name)
        return values[0] if values else ""

    def addrs(name: str) -> tuple[Address, ...]:
        return parse_addresses(headers.get(name, []), limits.max_header_chars)

    if not ctx.problems or "only the headers were read" not in ctx.problems[-1]:
        _walk_message(msg, "", 0, ctx)
    date_raw = first("date")
    date = parse_date(date_raw) if date_raw else None
    if date_raw and date is None:
        ctx.problem(f"unparseable Date: {decode_header(date_raw, 200)}")
    message_ids = parse_ids(first("message-id"))
    in_reply_to = parse_ids(first("in-reply-to"))
    references = parse_ids(" ".join(headers.get("references", [])))
    body = "\n\n".join(ctx.body)
    encoding = ctx.text_parts[0].body_encoding if ctx.text_parts else ""
    return ParsedMessage(
        subject=decode_header(first("subject"), limits.max_header_chars),
        from_=addrs("from"),
        to=addrs("to"),
        cc=addrs("cc"),
        bcc=addrs("bcc"),
        reply_to=addrs("reply-to"),
        sender=addrs("sender"),
        date=date,
        date_raw=decode_header(date_raw, 200),
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=references,
        headers=tuple(
            (name, decode_header(str(value), limits.max_header_chars))
            for name, value in list(msg.raw_items())[:_MAX_HEADERS]
        ),
        content_type=msg.get_content_type(),
        body_text=body,
        body_html=ctx.html_body,
        body_encoding=encoding,
        text_parts=tuple(ctx.text_parts),
        attachments=tuple(ctx.attachments),
        problems=tuple(ctx.problems),
    )
