"""The plain input record of the search index.

The ingest pipeline (owned by the store/ingest side) turns a stored message into an
:class:`IndexDoc` and hands batches of them to :meth:`bparchive.index.indexer.Index.add_documents`.
The searcher asks the store for the same records again (``texts_for``) to build snippets
and to tell which attachment matched. Nothing here touches Whoosh or SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IndexAttachment:
    """One attachment of a message as the index sees it.

    Attributes:
        name: File name (NFC; the analyzers normalise again anyway).
        text: Extracted text ("" when nothing could be extracted).
        kind: Short kind label from the extractor (``pdf``, ``docx``, ``image`` …).
    """

    name: str
    text: str = ""
    kind: str = ""


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """Everything the index needs about one message.

    Texts are expected to be NFC and legacy-repaired by ingest; the analyzers still apply
    N1–N5 and tone canonicalisation so that nothing depends on it.

    Attributes:
        id: The store's message id (primary key); the unique key of the index.
        message_id: RFC 5322 Message-ID (not indexed; kept for callers' convenience).
        accounts: Account names the message was seen in.
        folders: Folder paths (``INBOX/Công văn đến``) the message is in.
        date: Message date (aware or naive); ``None`` when unknown.
        subject: Subject line.
        body: Plain text of the body (HTML already converted).
        sender_name: Display name of the sender.
        sender_email: Address of the sender.
        to: ``(name, email)`` pairs of To recipients.
        cc: ``(name, email)`` pairs of Cc recipients.
        attachments: Attachments with their extracted text.
        size: Raw message size in bytes.
        flags: IMAP flags (``\\Seen`` …).
        tags: User tags.
        category: E-mail category from filing ("" until filed).
        doc_type: Document type from filing ("" until filed).
        refs: ``(key, display)`` reference numbers from filing (``48/2009/QD-UBND``).
        urgency: Urgency mark ("" when none).
        secret: Whether the message carries a secret mark.
        unread: Whether the message is unread.
        flagged: Whether the message is flagged.
    """

    id: int
    message_id: str = ""
    accounts: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    date: datetime | None = None
    subject: str = ""
    body: str = ""
    sender_name: str = ""
    sender_email: str = ""
    to: tuple[tuple[str, str], ...] = ()
    cc: tuple[tuple[str, str], ...] = ()
    attachments: tuple[IndexAttachment, ...] = field(default_factory=tuple)
    size: int = 0
    flags: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    category: str = ""
    doc_type: str = ""
    refs: tuple[tuple[str, str], ...] = ()
    urgency: str = ""
    secret: bool = False
    unread: bool = False
    flagged: bool = False
