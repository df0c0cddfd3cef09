"""Filing of official documents: types, categories, reference numbers, marks (filing.md).

Used by ingest (``classify`` on every message), the index (``refs`` keys for
``so:``, ``category:`` and ``type:`` fields, ``normalise_ref_query`` for
queries), the directory and reports (``parse_address``), the config
(``UserRule.from_dict``) and the TUI (labels). Pure functions, no database.

Public API:

- ``classify(subject, body="", attachment_names=(), first_pages=(), *, sender="",
  rules=()) -> Filing``
- ``parse_refs(text) -> list[Ref]``; ``normalise_ref_query(s) -> str | None``;
  ``parse_filename_refs(name) -> list[Ref]``
- ``UserRule`` (``UserRule.from_dict(d)`` raises ``ConfigError``)
- ``parse_address(email) -> AddressInfo``; ``agency_name(abbreviation) -> str``
- ``strip_subject``, ``urgency_of``, ``secret_of`` for callers that need one facet
- Tables: ``CATEGORIES``, ``DOC_TYPES``, ``COPY_FORMS``, ``URGENCY_LEVELS``,
  ``SECRET_LEVELS``, ``AGENCIES``; ``category_label``, ``doc_type_label``
"""

from __future__ import annotations

from bparchive.filing.agency import AGENCIES, AddressInfo, agency_name, parse_address
from bparchive.filing.classify import (
    Filing,
    classify,
    code_for_doc_type,
    doc_type_for_code,
)
from bparchive.filing.marks import SecretMark, secret_of, strip_subject, urgency_of
from bparchive.filing.refs import (
    Ref,
    lookup_code,
    normalise_ref_query,
    parse_filename_refs,
    parse_refs,
)
from bparchive.filing.rules import UserRule
from bparchive.filing.tables import (
    CATEGORIES,
    COPY_FORMS,
    DOC_TYPES,
    LEGACY_DOC_TYPES,
    SECRET_LEVELS,
    URGENCY_LEVELS,
    category_label,
    doc_type_label,
)

__all__ = [
    "AGENCIES",
    "CATEGORIES",
    "COPY_FORMS",
    "DOC_TYPES",
    "LEGACY_DOC_TYPES",
    "SECRET_LEVELS",
    "URGENCY_LEVELS",
    "AddressInfo",
    "Filing",
    "Ref",
    "SecretMark",
    "UserRule",
    "agency_name",
    "category_label",
    "classify",
    "code_for_doc_type",
    "doc_type_for_code",
    "doc_type_label",
    "lookup_code",
    "normalise_ref_query",
    "parse_address",
    "parse_filename_refs",
    "parse_refs",
    "secret_of",
    "strip_subject",
    "urgency_of",
]
