"""A fast path for the FETCH responses of a sync; anything unusual goes to imapclient.

Who calls it and why: :func:`bparchive.sync.engine.fetch`. imapclient's
``parse_fetch_response`` lexes every response a character at a time in Python: on
10,000 messages that was 2.6 s of the sync's main thread, more than reading the
240 MB from the socket. The responses a sync asks for are simple and regular
(``* 12 FETCH (UID 34 RFC822.SIZE 5 FLAGS (\\Seen) INTERNALDATE "..." BODY[] {5}``,
the literal, ``)``), so regular expressions read them whole.

The result is exactly what ``parse_fetch_response(data, normalise_times, True)``
returns (a test compares both on real Dovecot responses). Any item or shape not
known here (another item, a quoted string with an escape, a literal elsewhere
than at the end, no UID) makes :func:`parse` return ``None`` and the caller uses
imapclient's parser for the whole response.
"""

from __future__ import annotations

import re
from typing import Any

from imapclient.datetime_util import parse_to_datetime

# imaplib has taken "* " and "FETCH " off: "12 (" + items + " BODY[] {5}" (a head
# followed by its literal) ...
_HEAD_LITERAL = re.compile(rb"(\d+) \((.*?) ?BODY\[\] \{(\d+)\}", re.S)
# ... or "12 (" + items + ")" (no literal: a FLAGS or size response).
_HEAD_PLAIN = re.compile(rb"(\d+) \((.*)\)", re.S)
# One "NAME value" item: a number, a quoted string without escapes, or a flat list
# of atoms (no quotes, literals or brackets in it).
_ITEM = re.compile(rb' ?([A-Za-z0-9.]+) (\d+|"[^"\\\r\n]*"|\([^()"{}\[\]\r\n]*\))')
_KNOWN = {b"UID", b"RFC822.SIZE", b"FLAGS", b"INTERNALDATE", b"MODSEQ"}


def _atom(token: bytes) -> Any:
    """As imapclient's ``atom`` for a bare token: NIL, numbers (not "0123"), the rest bytes."""
    if token == b"NIL":
        return None
    if token.isdigit() and (token[:1] != b"0" or len(token) == 1):
        return int(token)
    return token


def _items(text: bytes, normalise_times: bool) -> dict[bytes, Any] | None:
    out: dict[bytes, Any] = {}
    pos = 0
    end = len(text)
    while pos < end:
        m = _ITEM.match(text, pos)
        if m is None:
            return None
        name = m[1].upper()
        if name not in _KNOWN:
            return None
        raw = m[2]
        value: Any
        if raw[:1] == b"(":
            value = tuple(_atom(t) for t in raw[1:-1].split())
        elif raw[:1] == b'"':
            value = raw[1:-1]
        else:
            value = _atom(raw)
        if name == b"INTERNALDATE":
            if not isinstance(value, bytes):
                return None
            try:
                value = parse_to_datetime(value, normalise=normalise_times)
            except ValueError:
                value = None
        out[name] = value
        pos = m.end()
    return out


def parse(data: list[Any], normalise_times: bool) -> dict[int, dict[bytes, Any]] | None:
    """UID-keyed FETCH results of ``data`` (imaplib's untagged FETCH list), or ``None``."""
    result: dict[int, dict[bytes, Any]] = {}
    i = 0
    n = len(data)
    while i < n:
        item = data[i]
        literal = None
        if isinstance(item, tuple):
            if len(item) != 2 or i + 1 >= n or data[i + 1] != b")":
                return None
            head, literal = item
            m = _HEAD_LITERAL.fullmatch(head)
            if m is None or not isinstance(literal, bytes) or int(m[3]) != len(literal):
                return None
            i += 2
        elif isinstance(item, bytes):
            m = _HEAD_PLAIN.fullmatch(item)
            if m is None:
                return None
            i += 1
        else:
            return None
        items = _items(m[2], normalise_times)
        if items is None:
            return None
        uid = items.pop(b"UID", None)
        if not isinstance(uid, int):
            return None
        items[b"SEQ"] = int(m[1])
        if literal is not None:
            items[b"BODY[]"] = literal
        result.setdefault(uid, {}).update(items)
    return result
