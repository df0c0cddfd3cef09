"""Header decoding: encoded words (good and broken), charsets, addresses, dates, ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bparchive.mail.headers import decode_header, parse_addresses, parse_date, parse_ids


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?utf-8?B?VGnhur9uZyBWaeG7h3Q=?=", "Tiếng Việt"),
        ("=?UTF-8?Q?C=C3=B4ng_v=C4=83n?= =?UTF-8?Q?_s=E1=BB=91_12?=", "Công văn số 12"),
        # a multibyte character split across two encoded words
        ("=?utf-8?B?4bq=?= =?utf-8?B?vw==?=", "ế"),
        # malformed: spaces inside the encoded text, no whitespace between words
        ("=?utf-8?Q?Th=C3=B4ng b=C3=A1o?==?utf-8?Q?_m=E1=BB=9Bi?=", "Thông báo mới"),
        ("=?X-UNKNOWN?Q?caf=C3=A9?=", "café"),
        ("=?NONE?B?SGVsbG8=?=", "Hello"),
        ("=?windows-1258?Q?Vi=EAt?=", "Viêt"),
        ("Raw 8-bit: Vi\udce1\udcbb\udc87t", "Raw 8-bit: Việt"),
        ("folded\r\n   line", "folded line"),
    ],
)
def test_decode_header(raw: str, expected: str) -> None:
    assert decode_header(raw) == expected


def test_decode_header_output_is_nfc_and_bounded() -> None:
    decomposed = "=?utf-8?Q?Vie=CC=A3=CC=82t?="  # V i e + dot below + circumflex
    assert decode_header(decomposed) == "Việt"
    assert len(decode_header("x" * 1_000_000, max_chars=100)) == 100


def test_addresses_with_vietnamese_names_and_commas() -> None:
    raw = (
        "=?utf-8?Q?Nguy=E1=BB=85n,_V=C4=83n_A?= <a@bo.gov.vn>, "
        '"Trần Thị B" <b@bo.gov.vn>, c@bo.gov.vn, undisclosed-recipients:;'
    )
    raw = raw.encode("utf-8").decode("ascii", "surrogateescape")
    found = parse_addresses([raw])
    assert [a.email for a in found][:3] == ["a@bo.gov.vn", "b@bo.gov.vn", "c@bo.gov.vn"]
    assert found[0].name == "Nguyễn, Văn A"
    assert found[1].name == "Trần Thị B"
    assert str(found[0]) == "Nguyễn, Văn A <a@bo.gov.vn>"


def test_unparseable_address_is_kept_as_text() -> None:
    (only,) = parse_addresses(["Phòng Hành chính"])
    assert "Phòng Hành chính" in (only.name + only.email)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tue, 05 Mar 2024 10:00:00 +0700", datetime(2024, 3, 5, 3, 0, tzinfo=UTC)),
        ("Wed, 20 Sep 1995 00:19:00 (EDT) -0400", datetime(1995, 9, 20, 4, 19, tzinfo=UTC)),
        ("Wed 29 May 2019 06:09:22 PM EDT", datetime(2019, 5, 29, 22, 9, 22, tzinfo=UTC)),
        ("Sat, 27 Mar 2010 12:11:21 -0000", datetime(2010, 3, 27, 12, 11, 21, tzinfo=UTC)),
        ("4 Mar 24 09:00 +0700", datetime(2024, 3, 4, 2, 0, tzinfo=UTC)),
        ("2024-03-05T10:00:00+07:00", datetime(2024, 3, 5, 3, 0, tzinfo=UTC)),
        ("Thu Jan 01 00:00:10 +0000", datetime(1970, 1, 1, 0, 0, 10, tzinfo=UTC)),
    ],
)
def test_dates_are_aware(raw: str, expected: datetime) -> None:
    parsed = parse_date(raw)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


@pytest.mark.parametrize(
    "raw", ["", "Pn, 29 paX 2007 21:13:00 +0100", "<HR>", "Wed, 15 Dec 2010 59:10 -0500"]
)
def test_bad_dates_give_none(raw: str) -> None:
    assert parse_date(raw) is None


def test_date_without_zone_is_utc() -> None:
    parsed = parse_date("Mon, 4 Mar 2024 09:00:00")
    assert parsed == datetime(2024, 3, 4, 9, 0, tzinfo=timezone(timedelta(0)))


def test_ids() -> None:
    assert parse_ids("<a@b>  <c@d>\n <e@f> <a@b>") == ("a@b", "c@d", "e@f")
    assert parse_ids("bare@id.example") == ("bare@id.example",)
    assert parse_ids("") == ()
