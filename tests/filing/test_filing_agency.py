"""Agency and person addresses (regulation Điều 5)."""

from __future__ import annotations

import pytest

from bparchive.filing import AGENCIES, AddressInfo, agency_name, parse_address


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("sotttt@binhphuoc.gov.vn", AddressInfo("agency", "sotttt", None, "binhphuoc.gov.vn")),
        (
            "nguyenvanbinh.stnmt@binhphuoc.gov.vn",
            AddressInfo("person", "stnmt", "nguyenvanbinh", "binhphuoc.gov.vn"),
        ),
        (
            "Nguyễn Văn Bình <NguyenVanBinh.STNMT@BinhPhuoc.gov.vn>",
            AddressInfo("person", "stnmt", "nguyenvanbinh", "binhphuoc.gov.vn"),
        ),
        (
            "van.binh.stnmt@binhphuoc.gov.vn",
            AddressInfo("person", "stnmt", "van.binh", "binhphuoc.gov.vn"),
        ),
        ("postmaster@binhphuoc.gov.vn", AddressInfo("other", None, None, "binhphuoc.gov.vn")),
        ("someone@gmail.com", AddressInfo("other", None, None, "gmail.com")),
        ("sotttt@dongnai.gov.vn", AddressInfo("other", None, None, "dongnai.gov.vn")),
        (".stnmt@binhphuoc.gov.vn", AddressInfo("other", None, None, "binhphuoc.gov.vn")),
        ("not an address", AddressInfo("other", None, None, "")),
        ("", AddressInfo("other", None, None, "")),
    ],
)
def test_parse_address(email, expected):
    assert parse_address(email) == expected


def test_other_agency_domains_can_be_given():
    info = parse_address("sotttt@dongnai.gov.vn", agency_domains=["dongnai.gov.vn"])
    assert (info.kind, info.agency) == ("agency", "sotttt")


def test_agency_names():
    assert agency_name("sotttt") == "Sở Thông tin và Truyền thông"
    assert agency_name("stnmt") == "Sở Tài nguyên và Môi trường"
    assert agency_name("UBND") == "Ủy ban nhân dân tỉnh"
    assert agency_name("xyzabc") == "xyzabc"
    assert all(name and key == key.lower() for key, name in AGENCIES.items())
