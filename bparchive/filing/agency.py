"""Agency and person addresses of the provincial mail system (regulation Điều 5, 6).

Called by the directory (``bparchive directory``), the usage report (messages
per counterpart agency) and user rules (``agency = "sotttt"``). The Bình Phước
regulation names mailboxes in two ways:

* agency box: ``<abbreviation>@binhphuoc.gov.vn`` (``sotttt@binhphuoc.gov.vn``);
* personal box: ``<name>.<agency box>@binhphuoc.gov.vn``
  (``nguyenvanbinh.stnmt@binhphuoc.gov.vn``: Nguyễn Văn Bình of Sở Tài nguyên
  và Môi trường).

Only the province's own domains follow that pattern; every other address is
``other``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal

DEFAULT_AGENCY_DOMAINS: tuple[str, ...] = ("binhphuoc.gov.vn",)

# Mailbox names that belong to the mail system, not to an agency.
_SYSTEM_BOXES = frozenset(
    {
        "postmaster",
        "mailer-daemon",
        "noreply",
        "no-reply",
        "donotreply",
        "webmaster",
        "admin",
        "administrator",
        "root",
        "abuse",
        "hostmaster",
    }
)

# Provincial departments (Sở) and bodies, by the initials of their names. The
# regulation's own examples are "sotttt" and "stnmt", so both the "s" and the
# "so" forms are listed. Names are those in use before the 2025 merger of
# departments. An abbreviation that is not here is shown as it is.
_SO_INITIALS: dict[str, str] = {
    "tttt": "Sở Thông tin và Truyền thông",
    "tnmt": "Sở Tài nguyên và Môi trường",
    "nv": "Sở Nội vụ",
    "tc": "Sở Tài chính",
    "khdt": "Sở Kế hoạch và Đầu tư",
    "yt": "Sở Y tế",
    "gddt": "Sở Giáo dục và Đào tạo",
    "tp": "Sở Tư pháp",
    "ct": "Sở Công Thương",
    "xd": "Sở Xây dựng",
    "gtvt": "Sở Giao thông vận tải",
    "nnptnt": "Sở Nông nghiệp và Phát triển nông thôn",
    "ldtbxh": "Sở Lao động - Thương binh và Xã hội",
    "vhttdl": "Sở Văn hóa, Thể thao và Du lịch",
    "khcn": "Sở Khoa học và Công nghệ",
    "ngv": "Sở Ngoại vụ",
}

AGENCIES: dict[str, str] = {
    **{f"s{k}": v for k, v in _SO_INITIALS.items()},
    **{f"so{k}": v for k, v in _SO_INITIALS.items()},
    "ubnd": "Ủy ban nhân dân tỉnh",
    "vpubnd": "Văn phòng Ủy ban nhân dân tỉnh",
    "hdnd": "Hội đồng nhân dân tỉnh",
    "ttr": "Thanh tra tỉnh",
    "thanhtra": "Thanh tra tỉnh",
    "bdt": "Ban Dân tộc",
    "tinhuy": "Tỉnh ủy",
}


@dataclass(frozen=True, slots=True)
class AddressInfo:
    """What an address says about its owner.

    Attributes:
        kind: ``agency`` (an agency box), ``person`` (a personal box of an
            agency) or ``other``.
        agency: Agency abbreviation (``sotttt``, ``stnmt``) or None.
        person: The name part of a personal box (``nguyenvanbinh``) or None.
        domain: Domain in lower case (``""`` when the address has none).
    """

    kind: Literal["agency", "person", "other"]
    agency: str | None
    person: str | None
    domain: str


def parse_address(
    email: str, agency_domains: Iterable[str] = DEFAULT_AGENCY_DOMAINS
) -> AddressInfo:
    """Read the agency/person pattern of Điều 5 from an address.

    Args:
        email: An address, bare or with a display name
            (``"Sở TT&TT <sotttt@binhphuoc.gov.vn>"``).
        agency_domains: Domains whose mailboxes follow the pattern.

    Returns:
        An ``AddressInfo``; ``other`` for foreign domains, system boxes and
        anything that is not an address.
    """
    _, addr = parseaddr(email or "")
    addr = addr.strip().lower()
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        return AddressInfo(kind="other", agency=None, person=None, domain=domain if at else "")
    domains = {d.lower().strip(".") for d in agency_domains}
    if domain not in domains or local in _SYSTEM_BOXES:
        return AddressInfo(kind="other", agency=None, person=None, domain=domain)
    person, dot, agency = local.rpartition(".")
    if not dot:
        return AddressInfo(kind="agency", agency=local, person=None, domain=domain)
    if not person or not agency:
        return AddressInfo(kind="other", agency=None, person=None, domain=domain)
    return AddressInfo(kind="person", agency=agency, person=person, domain=domain)


def agency_name(abbreviation: str) -> str:
    """Vietnamese name of an agency box, or the abbreviation when unknown.

    Args:
        abbreviation: ``sotttt``, ``stnmt``, ``ubnd`` …

    Returns:
        ``Sở Thông tin và Truyền thông`` for ``sotttt``; ``xyz`` for ``xyz``.
    """
    return AGENCIES.get(abbreviation.lower(), abbreviation)
