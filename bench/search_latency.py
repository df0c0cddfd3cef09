"""Search latency benchmark (issue 4: p95 ≤ 20 ms at 10,000 messages, in-process).

Not a test. Generates N synthetic Vietnamese official messages from a small phrase list
(deterministic seed), indexes them with :class:`bparchive.index.Index`, then runs 30
typical queries (accented and unaccented words, Telex, phrases, reference numbers, field
queries) several times each through :class:`bparchive.index.Searcher` with snippets on,
and prints indexing speed, index size against the size of the texts, and the median / p95
latency.

Usage: ``python bench/search_latency.py [--docs 10000] [--rounds 5] [--dir PATH]``
(with ``--dir``, an index already built there for the same ``--docs`` is reused), or
``python bench/search_latency.py --home HOME`` to time the same queries through
``SearchService`` on an imported archive (snippets on, off, and the TUI's pattern).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bparchive.index import Index, IndexAttachment, IndexDoc, Searcher

AGENCIES = ["UBND", "STTTT", "SNV", "STC", "SKHĐT", "SGDĐT", "SYT", "BTTTT", "VPUBND"]
TYPES = [
    ("QĐ", "Quyết định"),
    ("KH", "Kế hoạch"),
    ("TTr", "Tờ trình"),
    ("BC", "Báo cáo"),
    ("CV", ""),
]
SUBJECTS = [
    "V/v báo cáo tình hình sử dụng thư điện tử {m} tháng đầu năm {y}",
    "Giấy mời họp giao ban công tác chuyển đổi số tháng {m}",
    "Kế hoạch triển khai ứng dụng công nghệ thông tin năm {y}",
    "V/v tăng cường bảo đảm an toàn thông tin mạng",
    "Quyết định ban hành quy chế quản lý văn bản điện tử",
    "Tờ trình đề nghị phê duyệt dự toán kinh phí năm {y}",
    "V/v hướng dẫn cải cách hành chính tại Uỷ ban nhân dân cấp xã",
    "Báo cáo kết quả thực hiện chỉ tiêu kinh tế xã hội quý {q}",
    "Công văn đôn đốc nộp báo cáo tổng kết công tác thi đua khen thưởng",
    "Thông báo lịch tiếp công dân của lãnh đạo Sở tháng {m}",
    "V/v góp ý dự thảo Nghị định về bảo vệ bí mật nhà nước",
    "Hội nghị tập huấn nghiệp vụ lưu trữ hồ sơ điện tử",
]
PHRASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương",
    "Uỷ ban nhân dân tỉnh Bình Phước đề nghị các cơ quan đơn vị",
    "thực hiện nghiêm túc các nội dung sau đây",
    "báo cáo kết quả về Sở Thông tin và Truyền thông trước ngày",
    "bảo đảm an toàn an ninh thông tin trên môi trường mạng",
    "sử dụng hệ thống thư điện tử công vụ trong trao đổi văn bản",
    "Thủ trưởng các cơ quan chịu trách nhiệm thi hành quyết định này",
    "kinh phí thực hiện từ nguồn ngân sách nhà nước",
    "cán bộ công chức viên chức người lao động",
    "đào tạo bồi dưỡng kỹ năng chuyển đổi số cho cán bộ cấp xã",
    "tình hình thiên tai bão lũ gây thiệt hại tại các huyện",
    "hồ sơ đề nghị khen thưởng gửi về Ban Thi đua khen thưởng",
    "xây dựng chính quyền điện tử hướng tới chính quyền số",
    "Hoà Bình Thanh Hóa Khánh Hoà Đà Nẵng Hà Nội",
    "phòng chống dịch bệnh và bảo vệ sức khoẻ nhân dân",
    "cải cách thủ tục hành chính và dịch vụ công trực tuyến",
    "nơi nhận như trên lưu văn thư",
    "bao cao tinh hinh thuc hien ke hoach",
    "Kính gửi đồng chí Giám đốc Sở Nội vụ",
    "quản lý đầu tư xây dựng công trình giao thông nông thôn",
]
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Minh Dũng",
    "Hoàng Thị Hoa",
    "Đỗ Văn Đức",
]
QUERIES = [
    "báo cáo",
    "bao cao",
    "thư điện tử",
    "thu dien tu",
    "an toàn thông tin",
    "chuyển đổi số",
    "chuyen doi so",
    "uỷ ban nhân dân",
    "ủy ban nhân dân",
    "Thanh Hoá",
    "sức khỏe",
    "kĩ năng",
    "baos caos",
    "thuw ddieenj tuwr",
    '"công văn đến"',
    '"an toàn thông tin mạng"',
    "48/2009/QĐ-UBND",
    "15/KH-STTTT",
    "so:125/UBND-VX",
    "from:an",
    "from:stttt",
    "subject:giấy mời",
    "date:2024-03",
    "báo cáo date:2024",
    "kế hoạch -tờ trình",
    "(bão OR lũ) thiệt hại",
    "has:attachment quy chế",
    "file:dự toán",
    "V/v báo cáo tình hình sử dụng thư điện tử 6 tháng đầu năm 2024",
    "bảo vệ bí mật nhà nước",
]


def make_docs(n: int, seed: int = 20240601) -> list[IndexDoc]:
    """Deterministic synthetic messages."""
    rnd = random.Random(seed)
    start = datetime(2022, 1, 1)
    docs: list[IndexDoc] = []
    for i in range(1, n + 1):
        date = start + timedelta(minutes=rnd.randrange(0, 3 * 365 * 24 * 60))
        code, _ = rnd.choice(TYPES)
        agency = rnd.choice(AGENCIES)
        num = rnd.randrange(1, 3000)
        ref = f"{num}/{date.year}/{code}-{agency}" if code in {"QĐ", "KH"} else f"{num}/{agency}-VX"
        if code == "CV":
            ref = f"{num}/{agency}-VX"
        subject = rnd.choice(SUBJECTS).format(
            m=date.month, y=date.year, q=(date.month - 1) // 3 + 1
        )
        body = " ".join(rnd.choice(PHRASES) + "." for _ in range(rnd.randrange(4, 14)))
        body = f"Số: {ref}\n{body}"
        attachments: tuple[IndexAttachment, ...] = ()
        if rnd.random() < 0.3:
            att_text = " ".join(rnd.choice(PHRASES) for _ in range(rnd.randrange(20, 60)))
            attachments = (IndexAttachment(f"{code}_{num}.pdf", att_text, "pdf"),)
        name = rnd.choice(NAMES)
        docs.append(
            IndexDoc(
                id=i,
                message_id=f"<{i}@bench>",
                accounts=("vanthu",),
                folders=(rnd.choice(["INBOX", "INBOX/Công văn đến", "Đã gửi"]),),
                date=date,
                subject=subject,
                body=body,
                sender_name=name,
                sender_email=f"u{i % 97}@{agency.lower()}.binhphuoc.gov.vn",
                to=((rnd.choice(NAMES), "vanthu@stttt.binhphuoc.gov.vn"),),
                attachments=attachments,
                size=len(body.encode()) + 800,
                refs=((ref.replace("Đ", "D").upper(), ref),),
                unread=rnd.random() < 0.2,
            )
        )
    return docs


def text_bytes(docs: list[IndexDoc]) -> int:
    """UTF-8 size of the texts (a lower bound of the raw mail size)."""
    total = 0
    for d in docs:
        total += len(d.subject.encode()) + len(d.body.encode()) + 600  # headers
        total += sum(len(a.text.encode()) * 2 for a in d.attachments)  # PDF ≫ its text
    return total


def time_queries(
    run: Callable[[str], int], rounds: int
) -> tuple[dict[str, list[float]], list[float], dict[str, int]]:
    """Time every query ``rounds`` times after one warm-up pass.

    Returns:
        Wall milliseconds per query, CPU milliseconds of every run, hits per query.
    """
    for q in QUERIES:  # warm-up (caches, OS pages)
        run(q)
    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    cpu: list[float] = []
    totals: dict[str, int] = {}
    for _ in range(rounds):
        for q in QUERIES:
            t, c = time.perf_counter(), time.process_time()
            totals[q] = run(q)
            times[q].append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    return times, cpu, totals


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))]


def report(label: str, times: dict[str, list[float]], cpu: list[float]) -> None:
    """Print median / p95 of wall and CPU time."""
    all_ms = [x for v in times.values() for x in v]
    print(f"{label}")
    print(f"  latency median   {statistics.median(all_ms):>10.1f} ms")
    print(f"  latency p95      {_p95(all_ms):>10.1f} ms")
    # On a shared machine wall time includes waiting for a CPU; CPU time does not.
    print(f"  cpu median / p95 {statistics.median(cpu):>10.1f} / {_p95(cpu):.1f} ms")


def per_query(times: dict[str, list[float]], totals: dict[str, int]) -> None:
    """Print the hits and median time of each query."""
    print(f"{'query':<66} {'hits':>6} {'median ms':>10}")
    for q in QUERIES:
        print(f"{q[:66]:<66} {totals[q]:>6} {statistics.median(times[q]):>10.1f}")


def bench_home(home: Path, rounds: int) -> None:
    """Time ``SearchService.search`` (what the CLI and the TUI call) on an archive home."""
    from bparchive.services import Archive
    from bparchive.services.search import SearchService

    svc = SearchService(Archive(home))
    try:
        print(f"archive            {home} ({svc.index.doc_count():,} messages)")
        on = time_queries(lambda q: svc.search(q, limit=50).total, rounds)
        report(
            f"SearchService.search, {len(QUERIES)} queries × {rounds}, limit 50, snippets", *on[:2]
        )
        off = time_queries(lambda q: svc.search(q, limit=50, snippets=False).total, rounds)
        report("same without snippets (the TUI per keystroke)", *off[:2])

        def tui(q: str) -> int:
            page = svc.search(q, limit=50, snippets=False)
            if page.rows:
                svc.snippet(q, page.rows[0].id)
            return page.total

        t = time_queries(tui, rounds)
        report("TUI: rows without snippets + the snippet of the selected row", *t[:2])
        print()
        per_query(on[0], on[2])
    finally:
        svc.close()


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--home", type=Path, default=None, help="time SearchService on this archive")
    args = ap.parse_args()
    if args.home is not None:
        bench_home(args.home, args.rounds)
        return

    docs = make_docs(args.docs)
    by_id = {d.id: d for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp) / "index"
        print(f"documents          {len(docs):>10,}")
        if Index.exists(directory) and Index.open(directory).doc_count() == len(docs):
            index = Index.open(directory)  # --dir given and already built: search only
        else:
            index = Index.create(directory)
            t0, c0 = time.perf_counter(), time.process_time()
            for k in range(0, len(docs), args.batch):
                index.add_documents(docs[k : k + args.batch])
            index.optimize()
            t_index, c_index = time.perf_counter() - t0, time.process_time() - c0
            print(
                f"indexing           {t_index:>10.1f} s  ({len(docs) / t_index:,.0f} msg/s; "
                f"cpu {c_index:.1f} s, {len(docs) / c_index:,.0f} msg/s)"
            )
        size = index.size_bytes()
        raw = text_bytes(docs)
        print(
            f"index size         {size / 1e6:>10.1f} MB  ({size / raw:.2f}× the text+headers size)"
        )

        def many(ids: Sequence[int]) -> dict[int, IndexDoc]:
            return {i: by_id[i] for i in ids if i in by_id}

        searcher = Searcher(index, texts_for_many=many)
        on = time_queries(lambda q: searcher.search(q, limit=50).total, args.rounds)
        report(
            f"queries            {len(QUERIES)} × {args.rounds} rounds, limit 50, snippets on",
            *on[:2],
        )
        off = time_queries(
            lambda q: searcher.search(q, limit=50, snippets=False).total, args.rounds
        )
        report("same, snippets off (the TUI asks for the selected row's only)", *off[:2])
        print()
        per_query(on[0], on[2])
        searcher.close()


if __name__ == "__main__":
    main()
