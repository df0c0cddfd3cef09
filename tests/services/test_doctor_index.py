"""doctor finds drift between the index and the store, and --repair fixes it; reindex rebuilds."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from bparchive.index.from_store import drift
from bparchive.index.indexer import Index
from bparchive.services import Archive
from tests.sync.helpers import run_cli


def _mail(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        m = EmailMessage()
        m["From"] = "sotttt@binhphuoc.gov.vn"
        m["Subject"] = f"Giấy mời họp giao ban số {i} tuanbon{i}"
        m["Message-ID"] = f"<g{i}@x>"
        m.set_content(f"Trân trọng kính mời dự họp lần {i}.")
        (folder / f"{i}.eml").write_bytes(bytes(m))


def test_doctor_finds_and_repairs_index_drift(tmp_path: Path) -> None:
    _mail(tmp_path / "mail", 5)
    home = tmp_path / "home"
    archive = Archive(home)
    rep = archive.import_path(tmp_path / "mail", "pc")
    assert drift(archive.store, archive.paths.index_dir).ok
    victim = rep.ids[2]
    index = Index.open(archive.paths.index_dir)
    index.delete([victim])
    index.close()
    r = run_cli(home, "doctor", "--json", "--quick")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert any(p["kind"] == "index" and "1 messages missing" in p["detail"] for p in out["problems"])
    assert json.loads(run_cli(home, "search", "tuanbon2", "--json").stdout) == []
    r = run_cli(home, "doctor", "--repair", "--quick")
    assert r.returncode == 0, r.stdout
    hits = json.loads(run_cli(home, "search", "tuanbon2", "--json").stdout)
    assert [h["id"] for h in hits] == [victim]
    assert run_cli(home, "doctor", "--quick").returncode == 0


def test_reindex_rebuilds_from_the_store(tmp_path: Path) -> None:
    _mail(tmp_path / "mail", 3)
    home = tmp_path / "home"
    Archive(home).import_path(tmp_path / "mail", "pc")
    import shutil

    shutil.rmtree(home / "index")
    r = run_cli(home, "search", "giay moi", "--json")
    assert r.returncode == 2 and "bparchive reindex" in r.stderr
    r = run_cli(home, "reindex")
    assert r.returncode == 0 and "Indexed 3 messages" in r.stdout
    assert len(json.loads(run_cli(home, "search", "giay moi", "--json").stdout)) == 3
    assert json.loads(run_cli(home, "search", "category:thu_moi", "--json").stdout)
