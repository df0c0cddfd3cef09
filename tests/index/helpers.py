"""Build real Whoosh indexes from the data of ``cases.py`` (shared by the index tests)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bparchive import vi
from bparchive.index import Index, IndexAttachment, IndexDoc

from .cases import Doc


def ref_pairs(refs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``(key, display)`` pairs as filing would produce them."""
    from bparchive.filing import normalise_ref_query

    out = []
    for display in refs:
        key = normalise_ref_query(display)
        assert key, display
        out.append((key, display))
    return tuple(out)


def to_index_doc(doc_id: int, doc: Doc) -> tuple[IndexDoc, str]:
    """Turn a case document into an IndexDoc the way ingest would; also the encoding."""
    body, encoding = doc.body, "unicode"
    if doc.raw:
        body, encoding = vi.decode_bytes(doc.raw, doc.charset or None)
    elif doc.legacy:
        body, encoding = vi.repair(doc.body)
    attachments = ()
    if doc.attachment_name or doc.attachment_text:
        attachments = (IndexAttachment(doc.attachment_name, doc.attachment_text, "pdf"),)
    return (
        IndexDoc(
            id=doc_id,
            message_id=f"<{doc_id}@test>",
            accounts=("test",),
            folders=("INBOX",),
            date=datetime.fromisoformat(doc.date),
            subject=doc.subject,
            body=body,
            sender_name="Văn thư",
            sender_email="vanthu@stttt.binhphuoc.gov.vn",
            attachments=attachments,
            size=len(body.encode()) + 500,
            refs=ref_pairs(doc.refs),
        ),
        encoding,
    )


def build(
    docs: dict[str, Doc], directory: Path
) -> tuple[Index, dict[int, str], dict[int, IndexDoc], dict[str, str]]:
    """Index the documents; return (index, id→label, id→IndexDoc, label→encoding)."""
    index = Index.create(directory)
    labels: dict[int, str] = {}
    texts: dict[int, IndexDoc] = {}
    encodings: dict[str, str] = {}
    for i, (label, doc) in enumerate(sorted(docs.items()), start=1):
        idoc, enc = to_index_doc(i, doc)
        labels[i] = label
        texts[i] = idoc
        encodings[label] = enc
    index.add_documents(texts.values())
    return index, labels, texts, encodings
