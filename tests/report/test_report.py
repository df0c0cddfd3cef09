"""Usage report (Điều 18) and directory (Điều 5, 6) on a small archive of known numbers."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bparchive.config import Account
from bparchive.services import Archive
from bparchive.services import filing as svc
from tests.export.mailbuild import maildir, message

ICT = timezone(timedelta(hours=7))
OWN = "vanthu.sotttt@binhphuoc.gov.vn"
TRICKY_NAME = "Phòng Kế hoạch, Tài chính; Sở TC"
FORMULA_NAME = '=HYPERLINK("http://x")'


def _mail() -> dict[str, list[tuple[bytes, str]]]:
    jun = "Mon, 10 Jun 2024 08:00:00 +0700"
    jul = "Tue, 02 Jul 2024 08:00:00 +0700"
    pdf = b"%PDF-1.4 not really"
    inbox = [
        message(
            1,
            "Giấy mời họp giao ban tháng 7/2024 (Số 112/GM-UBND)",
            date=jul,
            sender="UBND tỉnh <ubnd@binhphuoc.gov.vn>",
            to=(f"Văn thư <{OWN}>",),
            attachments=(("giay-moi.pdf", pdf, "application/pdf"),),
        ),
        message(
            2,
            "Báo cáo quý II/2024 về kết quả cải cách hành chính",
            date=jun,
            sender="Nguyễn Văn Bình <nguyenvanbinh.stnmt@binhphuoc.gov.vn>",
            to=(OWN,),
            cc=(f"{TRICKY_NAME} <ketoan.stc@binhphuoc.gov.vn>",),
            attachments=(
                ("bao-cao.pdf", pdf, "application/pdf"),
                (
                    "phu-luc.docx",
                    b"PK\x03\x04 docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
            ),
        ),
        message(
            3,
            "Thông báo số 87/TB-VP ý kiến kết luận của Chủ tịch UBND tỉnh",
            date=jul,
            sender=f"{FORMULA_NAME} <someone@gmail.com>",
            to=(OWN,),
        ),
        # Sent from the unit's own address, found in the inbox (a copy to self).
        message(
            4,
            "V/v cung cấp thông tin phục vụ xây dựng Cơ sở dữ liệu cán bộ",
            date=jul,
            sender=f"Văn thư <{OWN}>",
            to=("Sở Nội vụ <snv@binhphuoc.gov.vn>", OWN),
        ),
    ]
    sent = [
        message(
            5,
            "Báo cáo tuần 27/2024 - Phòng Bưu chính Viễn thông",
            date=jul,
            sender=f"Văn thư <{OWN}>",
            to=(
                "UBND tỉnh <ubnd@binhphuoc.gov.vn>",
                "Nguyễn Văn Bình <nguyenvanbinh.stnmt@binhphuoc.gov.vn>",
                "tranthib.stnmt@binhphuoc.gov.vn",
            ),
        ),
        message(
            6,
            "KHẨN: V/v rà soát số liệu biên chế năm 2025",
            date=jun,
            sender=f"Văn thư <{OWN}>",
            to=("UBND tỉnh <ubnd@binhphuoc.gov.vn>",),
        ),
    ]
    return {"INBOX": [(m, "S") for m in inbox], ".Sent": [(m, "S") for m in sent]}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    base = tmp_path_factory.mktemp("report")
    a = Archive(base / "home")
    a.add_account(
        Account(
            name="work",
            host="imap.invalid",
            user=OWN,
            kind="agency",
            password_env="BP_TEST_NO_PASSWORD",
        )
    )
    a.import_path(maildir(base / "Maildir", _mail()), "work")
    # Sync runs (stored in UTC) around the Điều 8 agency schedule, week of Mon 1 July 2024.
    runs = [
        ("2024-07-01 06:45", "ok"),  # 07:00 met
        ("2024-07-01 08:40", "ok"),  # 09:00 met
        ("2024-07-01 11:03", "ok"),  # 11:00 met (scheduler starts at the time itself)
        ("2024-07-01 13:00", "partial"),  # 13:30 met (exactly 30 minutes before)
        ("2024-07-02 14:50", "failed"),  # 15:00 not met: the sync failed
        ("2024-07-03 16:31", "ok"),  # 16:30 met
        ("2024-07-03 10:00", "ok"),  # between slots: counts as a sync, meets nothing
        ("2024-07-06 07:00", "ok"),  # Saturday: not a working day
    ]
    st = a.store
    with st.transaction():
        st.ensure_account("work", "agency")
        for local, status in runs:
            started = datetime.fromisoformat(local).replace(tzinfo=ICT).astimezone(UTC)
            st.execute(
                "INSERT INTO sync_runs (account, trigger, started, finished, status) VALUES (?,?,?,?,?)",
                ("work", "schedule", started.isoformat(), started.isoformat(), status),
            )
    return a


def test_report_numbers(archive: Archive) -> None:
    rep = svc.report(archive, tz=ICT)
    assert rep.messages == 6 and rep.sent == 3 and rep.received == 3
    assert rep.own_addresses == [OWN]
    months = {m.month: (m.sent, m.received) for m in rep.months}
    assert months == {"2024-06": (1, 1), "2024-07": (2, 2)}
    cats = {c.key: (c.sent, c.received) for c in rep.categories}
    assert cats["thu_moi"] == (0, 1) and cats["bao_cao_dinh_ky"] == (1, 1)
    assert sum(s + r for s, r in cats.values()) == 6
    agencies = {a.key: (a.sent, a.received) for a in rep.agencies}
    # ubnd: received the invitation; we sent it the weekly report and the KHẨN letter.
    assert agencies["ubnd"] == (2, 1)
    # stnmt: two people of one agency on one message count once for the agency.
    assert agencies["stnmt"] == (1, 1)
    assert agencies["snv"] == (1, 0)
    assert agencies["@gmail.com"] == (0, 1)
    assert {a.key: a.label for a in rep.agencies}["stnmt"] == "Sở Tài nguyên và Môi trường"
    assert rep.attachments == 3
    assert {k.kind: k.count for k in rep.attachment_kinds} == {"pdf": 2, "docx": 1}
    top = {p.email: (p.sent_to, p.received_from) for p in rep.correspondents}
    assert top["ubnd@binhphuoc.gov.vn"] == (2, 1)
    assert top["nguyenvanbinh.stnmt@binhphuoc.gov.vn"] == (1, 1)
    assert OWN not in top
    assert rep.correspondents[0].email == "ubnd@binhphuoc.gov.vn"


def test_report_period_and_schedule(archive: Archive) -> None:
    rep = svc.report(archive, date(2024, 7, 1), date(2024, 7, 7), tz=ICT)
    assert rep.messages == 4 and {m.month for m in rep.months} == {"2024-07"}
    [check] = rep.schedule
    assert check.account == "work" and check.kind == "agency"
    assert check.times == ["07:00", "09:00", "11:00", "13:30", "15:00", "16:30"]
    assert (check.days, check.slots, check.met) == (5, 30, 5)
    assert check.percent == pytest.approx(16.7) and rep.schedule_percent == pytest.approx(16.7)
    assert "2024-07-02 15:00" in check.missed and "2024-07-01 07:00" not in check.missed
    assert check.syncs == 7 and check.last_sync.startswith("2024-07-06T07:00")


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json"])
def test_render_report(archive: Archive, fmt: str) -> None:
    rep = svc.report(archive, date(2024, 7, 1), date(2024, 7, 7), tz=ICT)
    out = svc.render_report(rep, fmt)
    if fmt == "json":
        d = json.loads(out)
        assert d["sent"] == 2 and d["months"][0]["total"] == 4
        assert d["schedule"][0]["met"] == 5
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["section", "key", "label", "sent", "received", "total"]
        assert ["month", "2024-07", "2024-07", "2", "2", "4"] in rows
        # The gmail sender's display name would be a spreadsheet formula: quoted.
        names = [r[2] for r in rows if r[0] == "correspondent"]
        assert "'" + FORMULA_NAME in names
    elif fmt == "md":
        assert "| Tháng | Gửi đi | Nhận | Tổng |" in out and "| 2024-07 | 2 | 2 | 4 |" in out
    else:
        assert "Thư: 4 (gửi đi 2, nhận 2)" in out and "16.7 %" in out
        assert "missed 25" in out


def test_report_cli(archive: Archive) -> None:
    from bparchive.cli import main
    from bparchive.cli_filing import register

    register(main)
    home = str(archive.paths.config_dir)
    r = CliRunner().invoke(
        main,
        [
            "--home",
            home,
            "report",
            "--since",
            "2024-06-01",
            "--until",
            "2024-06-30",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["messages"] == 2
    r = CliRunner().invoke(main, ["--home", home, "report", "--since", "1 June"])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


# -- directory ------------------------------------------------------------------


def test_directory_agencies_and_people(archive: Archive) -> None:
    people = {c.email: c for c in svc.directory(archive)}
    ubnd = people["ubnd@binhphuoc.gov.vn"]
    assert (ubnd.kind, ubnd.agency, ubnd.agency_name) == ("agency", "ubnd", "Ủy ban nhân dân tỉnh")
    assert (ubnd.sent, ubnd.received) == (1, 2) and ubnd.name == "UBND tỉnh"
    binh = people["nguyenvanbinh.stnmt@binhphuoc.gov.vn"]
    assert (binh.kind, binh.agency, binh.name) == ("person", "stnmt", "Nguyễn Văn Bình")
    assert binh.agency_name == "Sở Tài nguyên và Môi trường"
    assert (binh.sent, binh.received, binh.last_contact[:10]) == (1, 1, "2024-07-02")
    own = people[OWN]
    assert (own.kind, own.agency, own.sent, own.received) == ("person", "sotttt", 3, 4)
    assert people["someone@gmail.com"].kind == "other"
    kinds = [c.kind for c in svc.directory(archive)]
    assert kinds == sorted(kinds, key=["agency", "person", "other"].index)


def test_directory_csv_parses_back(archive: Archive) -> None:
    contacts = svc.directory(archive)
    rows = list(csv.DictReader(io.StringIO(svc.directory_csv(contacts))))
    assert len(rows) == len(contacts)
    by = {r["email"]: r for r in rows}
    assert by["ketoan.stc@binhphuoc.gov.vn"]["name"] == TRICKY_NAME
    assert by["ketoan.stc@binhphuoc.gov.vn"]["agency_name"] == "Sở Tài chính"
    assert by["someone@gmail.com"]["name"] == "'" + FORMULA_NAME
    assert by[OWN]["sent"] == "3"


def _parse_vcards(text: str) -> list[dict[str, list[tuple[str, str]]]]:
    assert "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" ") and logical:
            logical[-1] += line[1:]
        elif line:
            logical.append(line)
    cards: list[dict[str, list[tuple[str, str]]]] = []
    for line in logical:
        name, _, value = line.partition(":")
        prop, _, params = name.partition(";")
        if prop == "BEGIN":
            cards.append({})
        cards[-1].setdefault(prop, []).append((params, value))
    return cards


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append("\n" if value[i + 1] in "nN" else value[i + 1])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_directory_vcard_parses_back(archive: Archive, version: str) -> None:
    contacts = svc.directory(archive)
    cards = _parse_vcards(svc.directory_vcard(contacts, version))
    assert len(cards) == len(contacts)
    by = {_unescape(c["EMAIL"][0][1]): c for c in cards}
    for c in cards:
        assert c["VERSION"] == [("", version)] and "FN" in c and "END" in c
        if version == "3.0":
            assert "N" in c and c["EMAIL"][0][0] == "TYPE=INTERNET"
    binh = by["nguyenvanbinh.stnmt@binhphuoc.gov.vn"]
    assert _unescape(binh["FN"][0][1]) == "Nguyễn Văn Bình"
    assert binh["N"][0][1] == "Nguyễn;Bình;Văn;;"
    assert _unescape(binh["ORG"][0][1]) == "Sở Tài nguyên và Môi trường"
    tricky = by["ketoan.stc@binhphuoc.gov.vn"]
    assert tricky["FN"][0][1] == "Phòng Kế hoạch\\, Tài chính\\; Sở TC"
    assert _unescape(tricky["FN"][0][1]) == TRICKY_NAME
    if version == "4.0":
        assert by["ubnd@binhphuoc.gov.vn"]["KIND"] == [("", "org")]
        assert binh["KIND"] == [("", "individual")]


def test_directory_cli(archive: Archive, tmp_path: Path) -> None:
    from bparchive.cli import main
    from bparchive.cli_filing import register

    register(main)
    home = str(archive.paths.config_dir)
    r = CliRunner().invoke(main, ["--home", home, "directory", "--vcard"])
    assert r.exit_code == 0 and r.stdout_bytes.startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")
    r = CliRunner().invoke(main, ["--home", home, "directory", "--json"])
    assert {c["email"] for c in json.loads(r.output)} >= {OWN, "ubnd@binhphuoc.gov.vn"}
    r = CliRunner().invoke(main, ["--home", home, "directory"])
    assert r.exit_code == 0 and "Nguyễn Văn Bình — Sở Tài nguyên và Môi trường" in r.output
    assert os.path.isdir(home)
