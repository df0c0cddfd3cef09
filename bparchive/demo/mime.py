"""Byte-exact MIME assembly for the demo mail generator.

Called by :mod:`bparchive.demo.generator`. Messages are written by hand rather
than with :mod:`email.generator` for two reasons: the output must be identical
on every machine and Python version (fixed boundaries, fixed folding), and the
generator must reproduce what real clients send, including the non-standard
forms (RFC 2047 words inside a quoted ``filename=``, Outlook style) next to the
standard ones (RFC 2231 ``filename*=``, with continuations for long names).
Every line ends in CRLF; the result is a valid RFC 5322 message.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from urllib.parse import quote

CRLF = "\r\n"
_TSPECIALS = set('()<>@,;:\\"/[]?= \t')


@dataclass(slots=True)
class Entity:
    """One MIME entity: its ``Content-*`` header lines and its encoded body."""

    headers: list[str]
    body: bytes
    children: list[Entity] = field(default_factory=list)


def encoded_words(text: str, charset: str = "utf-8") -> str:
    """Encode ``text`` as RFC 2047 "B" words, folded one word per line.

    Args:
        text: the header text.
        charset: ``utf-8``, or a single-byte charset such as ``iso-8859-1``.

    Returns:
        The text unchanged if it is printable ASCII, else encoded words of at
        at most 64 characters joined by CRLF + space. Words are cut on character
        boundaries, never inside a UTF-8 sequence.
    """
    if text.isascii() and text.isprintable():
        return fold_ascii(text)
    words: list[str] = []
    chunk = b""
    for ch in text:
        data = ch.encode(charset)
        if len(chunk) + len(data) > 39:  # 64-char words: "Subject: " + word <= 76
            words.append(_b_word(chunk, charset))
            chunk = b""
        chunk += data
    if chunk:
        words.append(_b_word(chunk, charset))
    return (CRLF + " ").join(words)


def _b_word(data: bytes, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


def fold_ascii(text: str, width: int = 76) -> str:
    """Fold a long ASCII header value at spaces (RFC 5322 §2.2.3)."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return (CRLF + " ").join(lines)


def address(name: str, addr: str) -> str:
    """Format one mailbox: ``=?utf-8?B?…?= <addr>`` or ``"Name" <addr>``."""
    if not name:
        return addr
    if name.isascii():
        if any(c in _TSPECIALS - {" "} for c in name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{addr}>"
    return f"{encoded_words(name)} <{addr}>"


def address_list(items: list[tuple[str, str]]) -> str:
    """Format several mailboxes, one per folded line."""
    return ("," + CRLF + " ").join(address(n, a) for n, a in items)


def filename_params(name: str, style: str) -> tuple[str, str]:
    """Return the ``Content-Type`` and ``Content-Disposition`` file-name parameters.

    Args:
        name: the file name (any Unicode form; it is not normalised here).
        style: ``rfc2231`` (Thunderbird, standard), ``rfc2047`` (Outlook and
            Zimbra: encoded words inside quotes, not standard but common) or
            ``both`` (RFC 2231 in the disposition, RFC 2047 ``name=``).

    Returns:
        ``(type_params, disposition_params)``, each starting with ``;``.
    """
    if name.isascii():
        return f';{CRLF} name="{name}"', f';{CRLF} filename="{name}"'
    encoded = encoded_words(name)
    if style == "rfc2047":
        return f';{CRLF} name="{encoded}"', f';{CRLF} filename="{encoded}"'
    cont = _rfc2231(name, "filename")
    if style == "both":
        return f';{CRLF} name="{encoded}"', cont
    return _rfc2231(name, "name"), cont


def _rfc2231(value: str, param: str) -> str:
    pct = quote(value.encode("utf-8"), safe="")
    if len(pct) <= 60:
        return f";{CRLF} {param}*=utf-8''{pct}"
    # Continuations (RFC 2231 §3): cut between %XX escapes, never inside one.
    pieces: list[str] = []
    cur = ""
    i = 0
    while i < len(pct):
        step = 3 if pct[i] == "%" else 1
        if len(cur) + step > 60:
            pieces.append(cur)
            cur = ""
        cur += pct[i : i + step]
        i += step
    pieces.append(cur)
    out = []
    for n, piece in enumerate(pieces):
        prefix = "utf-8''" if n == 0 else ""
        out.append(f";{CRLF} {param}*{n}*={prefix}{piece}")
    return "".join(out)


def _lines_to_crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def b64_body(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines."""
    out = bytearray()
    for i in range(0, len(data), 57):
        out += binascii.b2a_base64(data[i : i + 57])[:-1] + b"\r\n"
    return bytes(out)


def text_entity(
    text: str | bytes,
    *,
    subtype: str = "plain",
    charset: str = "utf-8",
    cte: str = "base64",
) -> Entity:
    """A ``text/*`` leaf.

    Args:
        text: the text (encoded with ``charset``) or already-encoded bytes (used
            for TCVN3 bytes mislabelled as windows-1252).
        subtype: ``plain`` or ``html``.
        charset: the declared charset; ``""`` declares none.
        cte: ``base64``, ``quoted-printable`` or ``8bit``.
    """
    data = text if isinstance(text, bytes) else text.encode(charset or "ascii")
    data = data.replace(b"\r\n", b"\n")
    if cte == "8bit" and max((len(x) for x in data.split(b"\n")), default=0) > 900:
        cte = "quoted-printable"
    if cte == "base64":
        body = b64_body(_lines_to_crlf(data))
    elif cte == "quoted-printable":
        body = _lines_to_crlf(binascii.b2a_qp(data, istext=True))
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
    else:
        body = _lines_to_crlf(data)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        if data.isascii():
            cte = "7bit"
    ctype = f"Content-Type: text/{subtype}"
    if charset:
        ctype += f'; charset="{charset}"'
    return Entity([ctype, f"Content-Transfer-Encoding: {cte}"], body)


def attachment_entity(data: bytes, mime_type: str, filename: str, style: str) -> Entity:
    """A base64 attachment with a (possibly Vietnamese) file name."""
    tparams, dparams = filename_params(filename, style)
    return Entity(
        [
            f"Content-Type: {mime_type}{tparams}",
            f"Content-Disposition: attachment{dparams}",
            "Content-Transfer-Encoding: base64",
        ],
        b64_body(data),
    )


def multipart(subtype: str, boundary: str, children: list[Entity]) -> Entity:
    """A ``multipart/*`` entity with a fixed boundary."""
    return Entity(
        [f'Content-Type: multipart/{subtype};{CRLF} boundary="{boundary}"'], b"", children
    )


def serialize(entity: Entity, top_headers: list[str] | None = None) -> bytes:
    """Turn an entity (and the message headers, if top level) into bytes."""
    out = bytearray()
    for line in (top_headers or []) + entity.headers:
        out += line.encode("ascii") + b"\r\n"
    out += b"\r\n"
    if entity.children:
        boundary = entity.headers[0].split('boundary="', 1)[1].rstrip('"').encode("ascii")
        out += b"This is a multi-part message in MIME format.\r\n"
        for child in entity.children:
            out += b"\r\n--" + boundary + b"\r\n"
            out += serialize(child)
        out += b"\r\n--" + boundary + b"--\r\n"
    else:
        out += entity.body
    return bytes(out)
