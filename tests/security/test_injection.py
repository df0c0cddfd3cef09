"""Markup and terminal-escape injection through subjects, display names and file names.

A message full of ESC sequences, C1 controls and bidi overrides is imported;
the human output of ``search``, ``show`` and ``show --text`` must carry none of
them (they are made visible instead), and the Vietnamese text stays readable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security.helpers import cli, import_messages, multipart

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
SUBJECT = "\x1b[2J\x1b]0;pwned\x07Báo cáo \u202etxt.exe\u202c quý III \x9b31m\x85[red]markup[/red] <b>x</b>"
NAME = "\x1b[31mGiám đốc\x1b[0m \u2067Sở\u2069 \x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\"
FILENAME = "Tờ trình\x1b[5m\u202efdp.exe\x9d.pdf"
BODY = "Kính gửi\x1b[8m ẩn \x1b[0m đồng chí.\r\n\x1b]52;c;cHduZWQ=\x07Nội dung \u202ebáo cáo\r\n"


def _bad_chars(text: str) -> list[str]:
    return sorted(
        {
            f"U+{ord(c):04X}"
            for c in text
            if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) < 0xA0 or c in BIDI
        }
    )


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("inject")
    home = tmp / "home"
    raw = multipart(
        SUBJECT,
        NAME,
        [
            (
                FILENAME,
                "Báo cáo tình hình \x1b[31m đỏ \u202e quý".encode(),
                "text/plain; charset=utf-8",
            )
        ],
        body=BODY,
    )
    r = import_messages(home, tmp, [raw])
    assert r.returncode == 0, r.stderr
    assert not _bad_chars(r.stdout.decode() + r.stderr.decode())
    return home


@pytest.mark.parametrize(
    "args",
    [
        ["search", "báo cáo"],
        ["search", "quý", "--sort", "date"],
        ["show", "1"],
        ["show", "1", "--text"],
        ["status"],
        ["account", "list"],
    ],
    ids=lambda a: " ".join(a),
)
def test_no_escape_c1_or_bidi_reaches_the_terminal(hostile_home: Path, args: list[str]) -> None:
    r = cli(hostile_home, *args)
    assert r.returncode == 0, r.stderr
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert not _bad_chars(out), (_bad_chars(out), out)
    assert not _bad_chars(err), (_bad_chars(err), err)
    if args[0] in ("search", "show"):
        assert "Báo cáo" in out or "báo cáo" in out.lower(), out


def test_show_names_the_sender_and_attachment_readably(hostile_home: Path) -> None:
    out = cli(hostile_home, "show", "1").stdout.decode()
    assert "Giám đốc" in out and "Sở" in out
    assert "Tờ trình" in out
    assert "pwned" in out  # the payload is shown as text, not executed


def test_json_output_escapes_controls(hostile_home: Path) -> None:
    for args in (["search", "báo cáo", "--json"], ["show", "1", "--json"]):
        r = cli(hostile_home, *args)
        assert r.returncode == 0
        assert b"\x1b" not in r.stdout and b"\x07" not in r.stdout
        data = json.loads(r.stdout)
        assert data  # the exact text is still there for programs, escaped
