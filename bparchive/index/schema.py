"""Whoosh schema of the archive index (spec §6.2, issue 4).

Called by :mod:`bparchive.index.indexer` (create/open, document → fields) and by
:mod:`bparchive.index.query` (field names and weights). Only ``id`` is stored: the store
holds everything a result needs, so the index stays small.

Text sources each get a positional field (fold + exact + implicit bare streams, see
:mod:`bparchive.index.analysis`) and, for the longer ones, a bigram field.

Nothing is scored by Whoosh (the searcher ranks with posting sets, §6.4), so no text
field keeps per-document lengths, and the bigram fields only record that a pair occurs
(``Existence`` postings: no frequency, no positions). The positional fields keep
positions for quoted phrases.
"""

from __future__ import annotations

from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, FieldType, Schema
from whoosh.formats import Existence, Positions

from bparchive.index.analysis import bigram_analyzer, text_analyzer

#: Bump when the schema or the analyzers change in a way that needs ``bparchive reindex``.
SCHEMA_VERSION = 2

#: Positional text fields searched by free words, with their BM25F weights (§6.2 boosts).
FREE_TEXT_FIELDS: dict[str, float] = {
    "subject": 3.0,
    "body": 1.0,
    "att_name": 2.0,
    "att_text": 0.8,
}

#: Bigram field of each positional field that has one.
BIGRAM_OF: dict[str, str] = {
    "subject": "subject_bi",
    "body": "body_bi",
    "att_text": "att_text_bi",
}

#: Name fields (display names of senders and recipients).
NAME_FIELDS: dict[str, float] = {"from_name": 2.0, "to_name": 1.0, "cc_name": 1.0}

#: Short labels from filing, searched per syllable like text (``category:mật``).
LABEL_FIELDS = ("category", "doc_type", "urgency")

#: Keyword fields holding addresses, domains and agency parts.
ADDRESS_FIELDS = ("from_addr", "to_addr", "cc_addr")

#: What each internal field is called in results (``Hit.matched_fields``).
PUBLIC_NAME: dict[str, str] = {
    "subject": "subject",
    "subject_bi": "subject",
    "body": "body",
    "body_bi": "body",
    "att_name": "attachment_name",
    "att_text": "attachment_text",
    "att_text_bi": "attachment_text",
    "from_name": "from",
    "from_addr": "from",
    "to_name": "to",
    "to_addr": "to",
    "cc_name": "cc",
    "cc_addr": "cc",
    "refno": "refno",
}


#: Bigrams of a body are indexed for its first this many syllables (adjacency ranking;
#: quoted phrases use positions and work on the whole text).
BODY_BIGRAM_TOKENS = 4_000
#: Same for the joined attachment texts (their first pages carry title and summary).
ATT_BIGRAM_TOKENS = 1_500

#: Bigram token cap of each bigram field.
BIGRAM_CAP: dict[str, int] = {
    "subject_bi": BODY_BIGRAM_TOKENS,
    "body_bi": BODY_BIGRAM_TOKENS,
    "att_text_bi": ATT_BIGRAM_TOKENS,
}


def _text() -> FieldType:
    return FieldType(Positions(), text_analyzer(), scorable=False, stored=False)


def _bigrams(cap: int) -> FieldType:
    return FieldType(Existence(), bigram_analyzer("both", cap), scorable=False, stored=False)


def _keywords() -> KEYWORD:
    return KEYWORD(lowercase=True, commas=True, scorable=False, stored=False)


def build_schema() -> Schema:
    """Return a fresh schema (a new object each call; Whoosh schemas are mutable)."""
    fields: dict[str, object] = {
        "id": ID(stored=True, unique=True),
        "refno": KEYWORD(lowercase=True, commas=True, scorable=True, stored=False),
        "date": DATETIME(sortable=True, stored=False),
        "size": NUMERIC(int, bits=64, sortable=True, stored=False),
        "has_attachment": BOOLEAN(),
        "secret": BOOLEAN(),
        "unread": BOOLEAN(),
        "flagged": BOOLEAN(),
    }
    for name in (*FREE_TEXT_FIELDS, *NAME_FIELDS, *LABEL_FIELDS):
        fields[name] = _text()
    for name in BIGRAM_OF.values():
        fields[name] = _bigrams(BIGRAM_CAP[name])
    for name in (
        *ADDRESS_FIELDS,
        "folder",
        "account",
        "tag",
        "flag",
    ):
        fields[name] = _keywords()
    return Schema(**fields)  # type: ignore[arg-type]
