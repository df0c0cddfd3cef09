"""The fast FETCH parser returns exactly what imapclient's parser returns, or gives up.

Responses come from the real Dovecot (flags, keywords, CONDSTORE's MODSEQ, an
empty message, a message whose bytes look like IMAP syntax), then hand-made
shapes that must fall back to imapclient.
"""

from __future__ import annotations

from typing import Any

import pytest
from imapclient.response_parser import parse_fetch_response

from bparchive.sync import fetchparse
from tests.sync.helpers import make_message


def _untagged(client: Any, command: bytes) -> list[Any]:
    """imaplib's FETCH data list for ``UID FETCH`` ``command``, as engine.fetch sees it."""
    imap = client._imap
    tag = imap._command("UID", "FETCH", *command.split(b" ", 1))
    typ, data = imap._command_complete("FETCH", tag)
    client._checkok("fetch", typ, data)
    _typ, data = imap._untagged_response(typ, data, "FETCH")
    return data


def test_same_result_as_imapclient_on_dovecot_responses(imap_user) -> None:  # type: ignore[no-untyped-def]
    tricky = (
        b"From: a@b\r\nSubject: ) BODY[] {12}\r\n\r\n* 3 FETCH (UID 9 FLAGS (\\Seen))\r\n"
        b'"quoted \\" text" NIL (((\r\n'
    )
    messages = [make_message(i) for i in range(6)] + [tricky, b"", b"X" * 70_000]
    imap_user.server.load_messages(imap_user.name, "INBOX", messages)
    client = imap_user.connect()
    try:
        client.select_folder("INBOX")
        client.add_flags([1, 2], [b"\\Seen", b"$Label1", b"Dao"])
        client.add_flags([3], [b"\\Flagged", b"\\Answered", b"NonJunk"])
        client.unselect_folder()
        client.enable("CONDSTORE")
        client.select_folder("INBOX", readonly=True)
        requests = [
            b"1:* (BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE)",
            b"1:* (FLAGS)",
            b"1:* (RFC822.SIZE)",
            b"1:* (FLAGS) (CHANGEDSINCE 1)",
            b"2,5:7 (BODY.PEEK[] FLAGS INTERNALDATE RFC822.SIZE MODSEQ)",
        ]
        for normalise in (True, False):
            for request in requests:
                data = _untagged(client, request)
                expected = dict(parse_fetch_response(data, normalise, True))
                fast = fetchparse.parse(data, normalise)
                assert fast is not None, (request, data[:2])
                assert fast == expected, request
                if request.startswith(b"1:* (BODY"):
                    sizes = {len(d[b"BODY[]"]) for d in fast.values()}
                    assert {0, len(tricky), 70_000} <= sizes
        # The message whose text imitates FETCH syntax comes back byte for byte.
        body = fetchparse.parse(_untagged(client, b"7 (BODY.PEEK[])"), True)
        assert body is not None and body[7][b"BODY[]"] == tricky
    finally:
        client.logout()


@pytest.mark.parametrize(
    "data",
    [
        [b'1 (UID 5 FLAGS (\\Seen) ENVELOPE ("x" NIL NIL NIL NIL NIL NIL NIL NIL NIL))'],  # unknown item
        [b'1 (UID 5 INTERNALDATE "01-Jan-2024 \\"x\\" +0000")'],  # escaped quote
        [(b"1 (BODY[] {3} UID 5", b"abc"), b")"],  # literal before the UID
        [(b"1 (UID 5 BODY[] {3}", b"abc"), b" FLAGS (\\Seen))"],  # items after the literal
        [(b"1 (UID 5 BODY[] {4}", b"abc"), b")"],  # wrong literal length
        [(b"1 (UID 5 BODY[HEADER] {3}", b"abc"), b")"],  # another section
        [b"1 (FLAGS (\\Seen))"],  # no UID
        [b"1 (UID 0012 FLAGS (\\Seen))"],  # a UID imapclient keeps as bytes
        [b"1 (UID 5 FLAGS (\\Seen [x]))"],  # brackets in a list
        [b"1 (UID 5 FLAGS (\\Seen)"],  # unbalanced
        [None],
    ],
)
def test_unusual_shapes_fall_back(data: list[Any]) -> None:
    assert fetchparse.parse(data, True) is None


@pytest.mark.parametrize(
    "data",
    [
        [b"1 (UID 5 FLAGS (NIL 007 42 \\Seen))", b"2 (UID 6 FLAGS ())"],
        [b"1 (UID 5 RFC822.SIZE 0 MODSEQ (123456789012))", b"1 (FLAGS (\\Deleted) UID 5)"],
        [b'3 (UID 8 INTERNALDATE "not a date")'],
        [(b"4 (UID 9 BODY[] {0}", b""), b")"],
        [b"1 (uid 5 flags (\\Seen))"],
    ],
)
def test_hand_made_shapes_match_imapclient(data: list[Any]) -> None:
    assert fetchparse.parse(data, True) == dict(parse_fetch_response(data, True, True))
