"""Filing services on real imported mail: refile, tags and status, virtual folders, speed."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bparchive.services import Archive
from bparchive.services import filing as svc
from bparchive.services.search import SearchService, show
from tests.export.mailbuild import SUBJECTS, message

DATES = {
    "invitation": "Mon, 01 Jul 2024 08:00:00 +0700",
    "schedule": "Tue, 02 Jul 2024 08:00:00 +0700",
    "periodic": "Fri, 15 Mar 2024 08:00:00 +0700",
    "notice": "Wed, 10 Jul 2024 08:00:00 +0700",
    "letter": "Thu, 05 Dec 2023 08:00:00 +0700",
    "draft": "Mon, 01 Jul 2024 09:00:00 +0700",
    "secret": "Mon, 01 Jul 2024 10:00:00 +0700",
    "plan": "Mon, 01 Jul 2024 11:00:00 +0700",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, dict[str, int]]:
    base = tmp_path_factory.mktemp("filing")
    src = base / "mail"
    src.mkdir()
    raws = {}
    for i, (key, (subject, _cat)) in enumerate(SUBJECTS.items()):
        raws[key] = message(i, subject, date=DATES[key])
        (src / f"{key}.eml").write_bytes(raws[key])
    undated = message(99, "Thông báo lịch tiếp công dân tháng 8/2024", date="not a date")
    (src / "undated.eml").write_bytes(undated)
    a = Archive(base / "home")
    a.import_path(src, "work")
    ids = {
        key: a.store.message_id_for_sha(hashlib.sha256(raw).hexdigest())
        for key, raw in raws.items()
    }
    ids["undated"] = a.store.message_id_for_sha(hashlib.sha256(undated).hexdigest())
    assert all(ids.values())
    return a, ids  # type: ignore[return-value]


def _search_ids(a: Archive, q: str) -> set[int]:
    s = SearchService(a)
    try:
        return {r.id for r in s.search(q, limit=1000).rows}
    finally:
        s.close()


def test_rules_filed_the_subjects(archive: tuple[Archive, dict[str, int]]) -> None:
    a, ids = archive
    for key, (_subject, cat) in SUBJECTS.items():
        assert show(a.store, ids[key])["filing"]["category"] == cat, key


def test_refile_by_hand_survives_reindex(archive: tuple[Archive, dict[str, int]]) -> None:
    a, ids = archive
    mid = ids["plan"]  # filed "khac" by the rules
    svc.refile(a, mid, "tai_lieu_hop")
    f = show(a.store, mid)["filing"]
    assert (
        f["category"] == "tai_lieu_hop" and f["rule"] == "manual" and f["auto_category"] == "khac"
    )
    assert mid in _search_ids(a, "category:tai_lieu_hop")
    a.reindex()
    assert mid in _search_ids(a, "category:tai_lieu_hop")
    a.reindex(reparse=True)  # parse, extract and file again: the hand decision stays
    assert show(a.store, mid)["filing"]["category"] == "tai_lieu_hop"
    assert mid in _search_ids(a, "category:tai_lieu_hop")
    svc.refile(a, mid, "auto")
    assert show(a.store, mid)["filing"]["rule"] != "manual"
    assert mid not in _search_ids(a, "category:tai_lieu_hop")


def test_refile_rejects_unknown_category(archive: tuple[Archive, dict[str, int]]) -> None:
    a, ids = archive
    with pytest.raises(svc.FilingError, match="Valid categories: thu_moi, lich_cong_tac"):
        svc.refile(a, ids["plan"], "thư mời")
    from bparchive.errors import NotFoundError

    with pytest.raises(NotFoundError):
        svc.refile(a, 10_000_000, "thu_moi")


def test_tags_and_exclusive_status(archive: tuple[Archive, dict[str, int]]) -> None:
    a, ids = archive
    mid = ids["notice"]
    assert svc.tag(a, mid, ["new", "Họp tuần"]) == ["họp tuần", "new"]
    assert svc.tag(a, mid, ["assigned"], ["new"]) == ["assigned", "họp tuần"]
    assert svc.tag(a, mid, ["done"]) == ["done", "họp tuần"]  # adding a status drops the other
    assert mid in _search_ids(a, "tag:done")
    assert mid not in _search_ids(a, "tag:assigned")
    with pytest.raises(svc.FilingError, match="one processing status"):
        svc.tag(a, mid, ["new", "done"])
    with pytest.raises(svc.FilingError):
        svc.tag(a, mid, ["a,b"])
    svc.tag(a, ids["letter"], ["họp tuần"])
    counts = dict(svc.tag_counts(a))
    assert counts["họp tuần"] == 2 and counts["done"] == 1


def test_tag_cli_parses_minus_as_removal(archive: tuple[Archive, dict[str, int]]) -> None:
    from bparchive.cli import main
    from bparchive.cli_filing import register

    register(main)
    a, ids = archive
    mid = ids["draft"]
    home = str(a.paths.config_dir)
    r = CliRunner().invoke(main, ["--home", home, "tag", str(mid), "+new", "+khẩn"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["--home", home, "tag", str(mid), "+assigned", "-new"])
    assert r.exit_code == 0, r.output
    assert "assigned, khẩn" in r.output
    r = CliRunner().invoke(main, ["--home", home, "tag", str(mid), "assigned"])
    assert r.exit_code == 2 and "+TAG" in r.output
    r = CliRunner().invoke(main, ["--home", home, "file", str(mid), "nonsense"])
    assert r.exit_code == 1 and "Valid categories" in r.output
    r = CliRunner().invoke(main, ["--home", home, "file", str(mid), "thong_bao"])
    assert r.exit_code == 0 and "Thông báo" in r.output
    svc.refile(a, mid, "auto")


def test_virtual_folders_counts(archive: tuple[Archive, dict[str, int]]) -> None:
    a, ids = archive
    tree = {c["category"]: c for c in svc.virtual_folders(a)}
    assert sum(c["count"] for c in tree.values()) == len(ids)
    assert tree["thu_moi"]["label_vi"] == "Thư mời / giấy mời"
    assert tree["thu_moi"]["years"] == [
        {"year": 2024, "count": 1, "months": [{"month": 7, "count": 1}]}
    ]
    assert tree["bao_cao_dinh_ky"]["years"][0]["months"] == [{"month": 3, "count": 1}]
    assert tree["cong_van"]["years"][0]["year"] == 2023
    assert tree["van_ban_mat"]["count"] == 1
    # The undated notice counts under year None; a hand refile moves a message.
    assert {"year": None, "count": 1, "months": []} in tree["thong_bao"]["years"]
    svc.refile(a, ids["letter"], "thong_bao")
    tree = {c["category"]: c for c in svc.virtual_folders(a)}
    assert "cong_van" not in tree
    assert [y["year"] for y in tree["thong_bao"]["years"]] == [2024, 2023, None]
    assert svc.folder_ids(a, "thong_bao", 2023, 12) == [ids["letter"]]
    svc.refile(a, ids["letter"], "auto")
    r = CliRunner().invoke(_main(), ["--home", str(a.paths.config_dir), "folders", "--json"])
    assert r.exit_code == 0
    assert {c["category"] for c in json.loads(r.output)} >= {"thu_moi", "cong_van"}


def _main():  # type: ignore[no-untyped-def]
    from bparchive.cli import main
    from bparchive.cli_filing import register

    register(main)
    return main


def _synthetic(home: Path, n: int) -> Archive:
    """An archive with ``n`` messages written straight into the store (no mail bytes)."""
    a = Archive(home)
    st = a.store
    cats = ["thu_moi", "lich_cong_tac", "bao_cao_dinh_ky", "cong_van", "khac", "thong_bao"]
    body = "Kính gửi các cơ quan, đơn vị. " * 60
    data = json.dumps({"subject": "x" * 1500})
    with st.transaction():
        st.conn.executemany(
            "INSERT INTO messages (id, sha256, size, stored_size, codec, first_seen, ingest_state, "
            "index_state) VALUES (?,?,5000,2000,'zlib','2024-01-01T00:00:00+00:00',1,1)",
            [(i, hashlib.sha256(str(i).encode()).hexdigest()) for i in range(1, n + 1)],
        )
        st.conn.executemany(
            "INSERT INTO parsed (message_id, subject, from_email, date, body_text, data) "
            "VALUES (?,?,?,?,?,?)",
            [
                (
                    i,
                    f"V/v số {i}",
                    "sotttt@binhphuoc.gov.vn",
                    None
                    if i % 97 == 0
                    else f"{2015 + i % 11}-{1 + i % 12:02d}-0{1 + i % 9}T08:00:00+07:00",
                    body,
                    data,
                )
                for i in range(1, n + 1)
            ],
        )
        st.conn.executemany(
            "INSERT INTO filing (message_id, category, manual_category, refs) VALUES (?,?,?,?)",
            [
                (i, cats[i % len(cats)], "du_thao_gop_y" if i % 50 == 0 else None, "[]")
                for i in range(1, n + 1)
            ],
        )
    return a


def test_folders_json_on_100k_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = 100_000
    a = _synthetic(tmp_path / "home", n)
    t0 = time.perf_counter()
    first = svc.virtual_folders(a)  # creates the covering index once
    t1 = time.perf_counter()
    tree = svc.virtual_folders(a)
    t2 = time.perf_counter()
    r = CliRunner().invoke(_main(), ["--home", str(a.paths.config_dir), "folders", "--json"])
    t3 = time.perf_counter()
    assert r.exit_code == 0
    assert json.loads(r.output) == tree == first
    assert sum(c["count"] for c in tree) == n
    assert {c["category"]: c["count"] for c in tree}["du_thao_gop_y"] == n // 50
    with capsys.disabled():
        print(
            f"\nvirtual_folders on {n} messages: first call {1000 * (t1 - t0):.0f} ms "
            f"(creates index), then {1000 * (t2 - t1):.0f} ms; `folders --json` "
            f"{1000 * (t3 - t2):.0f} ms"
        )
    assert t2 - t1 < 1.0
