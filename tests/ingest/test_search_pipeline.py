"""T01–T51 again, this time through the real pipeline: raw mail → import → ingest → index → search.

The cases are the data of tests/index/cases.py; here each document becomes a real
RFC 5322 message (subject and file names RFC 2047/2231-encoded, bodies in their
declared charset, mojibake bodies as the wrongly-decoded UTF-8 real mail carries),
imported into a fresh archive and searched through the same service the CLI uses.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from bparchive.services import Archive
from bparchive.services.search import SearchService
from tests.index.cases import CASES, Case, Doc


def to_raw(label: str, doc: Doc) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Văn thư <vanthu.stttt@binhphuoc.gov.vn>"
    msg["To"] = "ubnd@binhphuoc.gov.vn"
    msg["Subject"] = doc.subject
    msg["Message-ID"] = f"<{label}@case.test>"
    msg["Date"] = format_datetime(datetime.fromisoformat(doc.date + "T08:00:00+07:00"))
    if doc.raw:
        msg.set_content(doc.raw, maintype="text", subtype="plain", cte="8bit")
        msg.replace_header("Content-Type", f'text/plain; charset="{doc.charset}"')
    else:
        msg.set_content(doc.body, charset="utf-8", cte="8bit")
    if doc.attachment_name or doc.attachment_text:
        msg.add_attachment(
            doc.attachment_text.encode("utf-8"), maintype="text", subtype="plain",
            filename=doc.attachment_name or "att.txt",
        )
    return bytes(msg)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_through_ingest(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for label, doc in case.docs.items():
        (folder / f"{label}.eml").write_bytes(to_raw(label, doc))
    archive = Archive(tmp_path / "home")
    archive.import_path(folder, "case")
    svc = SearchService(archive)
    try:
        page = svc.search(case.query, sort=case.sort, limit=100)  # type: ignore[arg-type]
    finally:
        svc.close()
    labels = {r.id: r.message_id.strip("<>").split("@")[0] for r in page.rows}
    got = [labels[r.id] for r in page.rows]
    score = {labels[r.id]: r.score for r in page.rows}
    if case.match is not None:
        assert set(got) == set(case.match), f"{case.id}: {page.converted_query!r} → {got}"
    assert case.includes <= set(got), got
    assert not (case.excludes & set(got)), got
    if case.order:
        if case.sort == "date":
            assert got == [lab for group in case.order for lab in group]
        for group in case.order:
            assert len({score[lab] for lab in group}) == 1, f"{case.id}: {score}"
        for hi, lo in zip(case.order, case.order[1:], strict=False):
            assert min(score[x] for x in hi) > max(score[x] for x in lo), f"{case.id}: {score}"
    for label, enc in case.encodings.items():
        [row] = archive.store.query(
            "SELECT p.body_encoding FROM parsed p JOIN messages m ON m.id = p.message_id WHERE m.msgid = ?",
            (f"<{label}@case.test>",),
        )
        assert row["body_encoding"] == enc, (case.id, label)
