"""Plain data produced by :func:`bparchive.mail.parse_message`.

The ingest stage stores these records (as JSON via ``to_dict``) next to the raw
message so the index can be rebuilt without parsing again; ``bparchive show``
reads them back with ``from_dict``. Payload bytes never go into the JSON: the
raw message stays the source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MailLimits:
    """Bounds that keep parsing of hostile messages cheap.

    Attributes:
        max_parts: MIME parts visited before the walk stops.
        max_depth: nesting depth (multipart and message/rfc822) before descent stops.
        max_header_line: longest physical header line kept, in bytes; longer lines are cut.
        max_line: longest physical line anywhere in the message, in bytes.
        max_header_chars: longest decoded header value kept, in characters.
        max_total_decoded: total decoded payload bytes kept across all parts.
        max_body_chars: longest body text kept, in characters.
    """

    max_parts: int = 1000
    max_depth: int = 20
    max_header_line: int = 256 * 1024
    max_line: int = 8 * 1024 * 1024
    max_header_chars: int = 16 * 1024
    max_total_decoded: int = 256 * 1024 * 1024
    max_body_chars: int = 4 * 1024 * 1024


@dataclass(frozen=True)
class Address:
    """One mailbox: display name (decoded, NFC) and address (may be empty if unparseable)."""

    name: str
    email: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"name": self.name, "email": self.email}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Address:
        """Rebuild from :meth:`to_dict` output."""
        return cls(name=str(data.get("name", "")), email=str(data.get("email", "")))

    def __str__(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email


@dataclass(frozen=True)
class TextPart:
    """A part whose text went into the body: where it came from and how it was decoded.

    Attributes:
        path: IMAP-style part number ("1", "2.1"…).
        content_type: lower-case MIME type.
        charset: declared charset ("" when none).
        body_encoding: ``vi`` encoding name of the repair applied (unicode, tcvn3, vni…).
        chars: characters contributed to the body text.
    """

    path: str
    content_type: str
    charset: str
    body_encoding: str
    chars: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "path": self.path,
            "content_type": self.content_type,
            "charset": self.charset,
            "body_encoding": self.body_encoding,
            "chars": self.chars,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextPart:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            path=str(data.get("path", "")),
            content_type=str(data.get("content_type", "")),
            charset=str(data.get("charset", "")),
            body_encoding=str(data.get("body_encoding", "")),
            chars=int(data.get("chars", 0)),
        )


@dataclass(frozen=True)
class Part:
    """One attachment (or inline non-body part).

    Attributes:
        index: position in ``ParsedMessage.attachments`` (0-based).
        path: IMAP-style part number; TNEF and uuencode children add a level ("2.1").
        filename: decoded, NFC, reduced to a bare name (never a path); "" when none.
        content_type: lower-case MIME type as declared (or sniffed for uuencode/TNEF).
        size: decoded size in bytes (known even when the payload was dropped by a limit).
        content_id: Content-ID without angle brackets, "" when none.
        disposition: "attachment", "inline" or "".
        charset: declared charset of a text attachment, "" otherwise.
        body_encoding: for text parts, the ``vi`` encoding found; "" otherwise.
        source: how the part was found: "mime", "uuencode", "tnef".
        truncated: the payload was not kept because a limit was hit.
        payload: decoded bytes (excluded from ``to_dict``).
    """

    index: int
    path: str
    filename: str
    content_type: str
    size: int
    content_id: str = ""
    disposition: str = ""
    charset: str = ""
    body_encoding: str = ""
    source: str = "mime"
    truncated: bool = False
    payload: bytes = field(default=b"", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (without the payload)."""
        return {
            "index": self.index,
            "path": self.path,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "content_id": self.content_id,
            "disposition": self.disposition,
            "charset": self.charset,
            "body_encoding": self.body_encoding,
            "source": self.source,
            "truncated": self.truncated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], payload: bytes = b"") -> Part:
        """Rebuild from :meth:`to_dict` output; the payload must be supplied separately."""
        return cls(
            index=int(data.get("index", 0)),
            path=str(data.get("path", "")),
            filename=str(data.get("filename", "")),
            content_type=str(data.get("content_type", "")),
            size=int(data.get("size", 0)),
            content_id=str(data.get("content_id", "")),
            disposition=str(data.get("disposition", "")),
            charset=str(data.get("charset", "")),
            body_encoding=str(data.get("body_encoding", "")),
            source=str(data.get("source", "mime")),
            truncated=bool(data.get("truncated", False)),
            payload=payload,
        )


@dataclass(frozen=True)
class ParsedMessage:
    """Everything bparchive reads out of one RFC 5322 message.

    Attributes:
        subject: decoded subject ("" when absent).
        from_: From addresses (``from`` in the dict form).
        to, cc, bcc, reply_to: address lists.
        sender: Sender header addresses.
        date: aware datetime, or None when absent/unparseable (use INTERNALDATE then).
        date_raw: the Date header as found.
        message_id, in_reply_to: ids without angle brackets, "" when absent.
        references: ids, oldest first.
        headers: every top-level header as decoded (name, value), in order.
        content_type: top-level MIME type.
        body_text: readable body (plain preferred, HTML converted, forwards appended).
        body_html: True when the body came from HTML (no text/plain alternative).
        body_encoding: ``vi`` encoding of the first body part ("" when no body).
        text_parts: the parts that made up the body.
        attachments: every non-body leaf part, in order.
        problems: what was wrong or cut; parsing never raises.
    """

    subject: str = ""
    from_: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    sender: tuple[Address, ...] = ()
    date: datetime | None = None
    date_raw: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "text/plain"
    body_text: str = ""
    body_html: bool = False
    body_encoding: str = ""
    text_parts: tuple[TextPart, ...] = ()
    attachments: tuple[Part, ...] = ()
    problems: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """Return the first decoded header called ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (attachment payloads excluded)."""

        def addrs(items: tuple[Address, ...]) -> list[dict[str, str]]:
            return [a.to_dict() for a in items]

        return {
            "subject": self.subject,
            "from": addrs(self.from_),
            "to": addrs(self.to),
            "cc": addrs(self.cc),
            "bcc": addrs(self.bcc),
            "reply_to": addrs(self.reply_to),
            "sender": addrs(self.sender),
            "date": self.date.isoformat() if self.date else None,
            "date_raw": self.date_raw,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "headers": [[k, v] for k, v in self.headers],
            "content_type": self.content_type,
            "body_text": self.body_text,
            "body_html": self.body_html,
            "body_encoding": self.body_encoding,
            "text_parts": [t.to_dict() for t in self.text_parts],
            "attachments": [p.to_dict() for p in self.attachments],
            "problems": list(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedMessage:
        """Rebuild from :meth:`to_dict` output (attachments come back without payloads)."""

        def addrs(key: str) -> tuple[Address, ...]:
            return tuple(Address.from_dict(a) for a in data.get(key) or ())

        date = data.get("date")
        return cls(
            subject=str(data.get("subject", "")),
            from_=addrs("from"),
            to=addrs("to"),
            cc=addrs("cc"),
            bcc=addrs("bcc"),
            reply_to=addrs("reply_to"),
            sender=addrs("sender"),
            date=datetime.fromisoformat(date) if date else None,
            date_raw=str(data.get("date_raw", "")),
            message_id=str(data.get("message_id", "")),
            in_reply_to=str(data.get("in_reply_to", "")),
            references=tuple(str(r) for r in data.get("references") or ()),
            headers=tuple((str(k), str(v)) for k, v in data.get("headers") or ()),
            content_type=str(data.get("content_type", "text/plain")),
            body_text=str(data.get("body_text", "")),
            body_html=bool(data.get("body_html", False)),
            body_encoding=str(data.get("body_encoding", "")),
            text_parts=tuple(TextPart.from_dict(t) for t in data.get("text_parts") or ()),
            attachments=tuple(Part.from_dict(p) for p in data.get("attachments") or ()),
            problems=tuple(str(p) for p in data.get("problems") or ()),
        )
