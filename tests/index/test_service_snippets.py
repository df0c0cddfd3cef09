"""SearchService: lazy snippets for the TUI, one store round trip per page of snippets.

Real archive: messages are imported and ingested, the index is built by the pipeline,
and the service reads texts back from the store.
"""

from __future__ import annotations

import pytest

from bparchive.index.from_store import load_docs, load_texts
from bparchive.services import Archive
from bparchive.services.search import SearchService
from tests.index.cases import Doc
from tests.ingest.test_search_pipeline import to_raw

DOCS = {
    "a": Doc(subject="Báo cáo an toàn thông tin", body="Kính gửi: các sở.\nBáo cáo tình hình."),
    "b": Doc(
        subject="Công văn",
        body="Xem tệp đính kèm.",
        attachment_name="kehoach.txt",
        attachment_text="Kế hoạch bảo đảm an toàn thông tin mạng năm 2024",
    ),
    "c": Doc(subject="Giấy mời họp", body="Mời dự họp về an toàn giao thông.", date="2024-02-01"),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    tmp = tmp_path_factory.mktemp("svc")
    folder = tmp / "mail"
    folder.mkdir()
    for label, doc in DOCS.items():
        (folder / f"{label}.eml").write_bytes(to_raw(label, doc))
    archive = Archive(tmp / "home")
    archive.import_path(folder, "case")
    svc = SearchService(archive)
    yield svc
    svc.close()


def _label(row: object) -> str:
    return row.message_id.strip("<>").split("@")[0]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query", ["an toàn", "an toan thong tin", '"an toàn thông tin"', "kế hoạch"]
)
def test_lazy_rows_and_snippet_match_the_eager_page(service: SearchService, query: str) -> None:
    eager = service.search(query)
    lazy = service.search(query, snippets=False)
    assert [r.id for r in lazy.rows] == [r.id for r in eager.rows] and eager.rows
    assert lazy.total == eager.total
    for e, z in zip(eager.rows, lazy.rows, strict=True):
        assert z.snippet == "" and z.score == e.score and z.subject == e.subject
        assert service.snippet(query, e.id) == (e.snippet, e.snippet_source)
        assert "\x02" in e.snippet
        matched = [a["filename"] for a in e.attachments if a["matched"]]
        assert service.matched_attachments(query, e.id) == matched
        # One attachment: the lazy row can tell it matched from the fields alone.
        assert [a["matched"] for a in z.attachments] == [a["matched"] for a in e.attachments]


def test_attachment_snippet_names_the_file(service: SearchService) -> None:
    [row] = service.search("kế hoạch").rows
    assert _label(row) == "b"
    assert row.snippet_source == "attachment:kehoach.txt"
    assert row.attachments[0]["matched"] is True


def test_load_texts_matches_load_docs(service: SearchService) -> None:
    ids = [r[0] for r in service.store.execute("SELECT id FROM messages ORDER BY id")]
    full = {d.id: d for d in load_docs(service.store, ids)}
    light = load_texts(service.store, [*ids, 999_999, ids[0]])
    assert set(light) == set(full)
    for i, doc in light.items():
        assert (doc.subject, doc.body) == (full[i].subject, full[i].body)
        assert doc.attachments == full[i].attachments
