"""The directory of correspondents (regulation Điều 5, 6): agencies and people seen.

Who calls it: ``services.filing.directory`` (``bparchive directory``, the
TUI's address book). Built from the parsed headers in the store (From, To,
Cc); whether an address is an agency box or a person's box, and which agency
a person belongs to, comes from the address pattern of Điều 5
(:func:`bparchive.filing.parse_address`). Renderers for CSV and vCard are
here too; both treat names as untrusted text.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bparchive.store import Store

CSV_FIELDS = (
    "email",
    "name",
    "kind",
    "agency",
    "agency_name",
    "sent",
    "received",
    "last_contact",
)


@dataclass
class Contact:
    """One address seen in the archive.

    Attributes:
        email: The address, lower case.
        name: The display name used most often ("" when never given).
        kind: ``agency`` (an agency box), ``person`` (a person's box of an
            agency) or ``other`` (any other address).
        agency: Agency abbreviation (``sotttt``) for agency and person boxes, else "".
        agency_name: The agency's name (``Sở Thông tin và Truyền thông``), else "".
        sent: Messages this address sent (From).
        received: Messages addressed to it (To or Cc).
        last_contact: ISO date-time of the newest of those messages ("" if undated).
        names: Every display name seen for the address, most used first.
    """

    email: str
    name: str = ""
    kind: str = "other"
    agency: str = ""
    agency_name: str = ""
    sent: int = 0
    received: int = 0
    last_contact: str = ""
    names: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Messages from and to this address."""
        return self.sent + self.received

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of ``bparchive directory --json``)."""
        return asdict(self)


def _clean(text: str) -> str:
    """NFC, no control characters, single-line."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).split()
    )


def build_directory(store: Store) -> list[Contact]:
    """Every address of From, To and Cc with its counts; agencies first, then by activity.

    A message counts once per address even when the address appears twice in it.
    Bcc is left out: it says nothing about who the correspondents were.

    Args:
        store: An open store.

    Returns:
        Contacts ordered: agency boxes, then people, then other addresses;
        within each, most messages first, then address.
    """
    from bparchive.filing import agency_name, parse_address

    contacts: dict[str, Contact] = {}
    names: dict[str, Counter[str]] = {}

    def seen(email: str, name: str, date: str | None, role: str) -> None:
        email = _clean(email).lower()
        if "@" not in email:
            return
        c = contacts.get(email)
        if c is None:
            info = parse_address(email)
            agency = info.agency or ""
            c = Contact(
                email=email,
                kind=info.kind,
                agency=agency,
                agency_name=agency_name(agency) if agency else "",
            )
            contacts[email] = c
            names[email] = Counter()
        if role == "from":
            c.sent += 1
        else:
            c.received += 1
        n = _clean(name)
        if n and n.lower() != email:
            names[email][n] += 1
        if date and date > c.last_contact:
            c.last_contact = date

    cur = store.execute("SELECT from_name, from_email, recipients, date FROM parsed")
    for from_name, from_email, recipients, date in cur:
        seen(from_email or "", from_name or "", date, "from")
        try:
            recips = json.loads(recipients or "[]")
        except ValueError:
            recips = []
        done: set[str] = set()
        for entry in recips:
            if not isinstance(entry, list) or len(entry) != 3:
                continue
            fld, name, email = entry
            key = str(email or "").lower()
            if fld not in ("to", "cc") or key in done:
                continue
            done.add(key)
            seen(str(email or ""), str(name or ""), date, "to")
    for email, c in contacts.items():
        ranked = [n for n, _ in sorted(names[email].items(), key=lambda kv: (-kv[1], kv[0]))]
        c.names = ranked
        c.name = ranked[0] if ranked else ""
    order = {"agency": 0, "person": 1, "other": 2}
    return sorted(contacts.values(), key=lambda c: (order.get(c.kind, 3), -c.total, c.email))


# -- CSV --------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str | int:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def directory_csv(contacts: Sequence[Contact]) -> str:
    """The directory as CSV (RFC 4180, UTF-8, header row of :data:`CSV_FIELDS`).

    Cells from mail that start with ``= + - @`` are prefixed with ``'`` so that
    a spreadsheet shows them instead of running them (CSV injection).
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_FIELDS)
    for c in contacts:
        w.writerow([_cell(getattr(c, f)) for f in CSV_FIELDS])
    return buf.getvalue()


# -- vCard ------------------------------------------------------------------


def _escape(text: str) -> str:
    """Escape a vCard TEXT value (RFC 6350 §3.4, RFC 2426 §5): ``\\ , ; newline``."""
    return _clean(text).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    cur = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(cur)
            cur, size, limit = " ", 1, 75
        cur += ch
        size += n
    out.append(cur)
    return "\r\n".join(out)


def _split_name(name: str) -> tuple[str, str, str]:
    """(family, given, middle) of a Vietnamese name: family name first, given name last."""
    parts = name.split()
    if len(parts) < 2:
        return "", name, ""
    return parts[0], parts[-1], " ".join(parts[1:-1])


def _card(c: Contact, version: str) -> Iterable[str]:
    yield "BEGIN:VCARD"
    yield f"VERSION:{version}"
    org = c.agency_name or ""
    if c.kind == "agency":
        fn = c.name or org or c.email
        if version == "4.0":
            yield "KIND:org"
        yield f"FN:{_escape(fn)}"
        yield "N:;;;;"
    else:
        fn = c.name or c.email
        if version == "4.0":
            yield "KIND:individual"
        yield f"FN:{_escape(fn)}"
        family, given, middle = _split_name(c.name) if c.name else ("", "", "")
        yield f"N:{_escape(family)};{_escape(given)};{_escape(middle)};;"
    if org:
        yield f"ORG:{_escape(org)}"
    if version == "3.0":
        yield f"EMAIL;TYPE=INTERNET:{_escape(c.email)}"
    else:
        yield f"EMAIL:{_escape(c.email)}"
    note = f"bparchive: {c.sent} sent, {c.received} received"
    if c.last_contact:
        note += f", last contact {c.last_contact[:10]}"
    yield f"NOTE:{_escape(note)}"
    yield "END:VCARD"


def directory_vcard(contacts: Sequence[Contact], version: str = "3.0") -> str:
    """The directory as vCards (UTF-8, CRLF lines folded at 75 octets).

    Args:
        contacts: The contacts to write.
        version: ``3.0`` (RFC 2426, what most address books import) or ``4.0``
            (RFC 6350; adds ``KIND:org`` / ``KIND:individual``).

    Returns:
        The vCard text; ORG is the agency's name, N splits a Vietnamese name
        into family, given and middle names.

    Raises:
        ValueError: ``version`` is neither ``3.0`` nor ``4.0``.
    """
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version must be 3.0 or 4.0, not {version!r}")
    lines: list[str] = []
    for c in contacts:
        lines.extend(_fold(line) for line in _card(c, version))
    return "".join(line + "\r\n" for line in lines)
