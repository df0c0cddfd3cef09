"""Deterministic generator of a realistic Vietnamese official mailbox.

Called by ``bench/gen_corpus.py`` (10,000 and 100,000 messages for the
benchmarks), by :mod:`bparchive.demo.sample` (the ~300-message mailbox shipped
for ``bparchive demo``) and by tests that need plenty of lifelike mail.

The mailbox is the agency box of Sở Thông tin và Truyền thông Bình Phước
(``sotttt@binhphuoc.gov.vn``) from 2009 to 2025: official documents received
from and sent to the other agencies of the province (công văn, giấy mời, báo
cáo, quyết định, tờ trình, thông báo, kế hoạch, drafts sent for comments …),
reply and forward threads, a few personal notes, with the damage real mail
has (unaccented subjects, new-style tones, NFD text, TCVN3 bodies labelled
windows-1252) and PDF/DOCX/XLSX/CSV/TXT attachments with Vietnamese names.

Determinism: same ``(count, seed, options)`` → same bytes on every machine.
Only :meth:`random.Random.random` is used (its sequence is guaranteed across
Python versions; ``choice``/``randrange`` are not), seeded from strings;
dates, boundaries and Message-IDs derive from the seed; nothing reads the
clock, the locale or dict/set order of unordered data.
"""

from __future__ import annotations

import hashlib
import html
import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TypeVar

from bparchive.demo import mime
from bparchive.demo import textforms as tf
from bparchive.demo import vocab as V
from bparchive.demo.attachments import (
    DocContent,
    render_big_pdf,
    render_docx,
    render_pdf,
    render_xlsx,
)

T = TypeVar("T")

TZ = timezone(timedelta(hours=7))
START = datetime(2009, 1, 5, 8, 0, tzinfo=TZ)
END = datetime(2025, 12, 24, 17, 0, tzinfo=TZ)

#: Every folder the generator may use ("/" is the hierarchy separator).
FOLDERS: tuple[str, ...] = (
    "INBOX",
    "Sent",
    "Văn bản đến",
    "Văn bản đi",
    "Lưu trữ/2023",
    "Lưu trữ/2024",
    "Drafts",
    "Thùng rác",
)

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}

OWNER_ADDR = f"{V.OWNER[0]}@{V.DOMAIN}"
OWNER_NAME = V.OWNER[1]
ADMIN = ("Quản trị hệ thống thư điện tử", f"quantri@{V.DOMAIN}")


@dataclass(frozen=True, slots=True)
class GeneratedMessage:
    """One message stored in one folder.

    Attributes:
        folder: folder name, ``/`` separating levels (``Lưu trữ/2023``).
        raw: the RFC 5322 message, CRLF line ends.
        flags: IMAP system flags, sorted (``\\Seen``, ``\\Flagged`` …).
        internaldate: the IMAP INTERNALDATE (aware, +07:00).
    """

    folder: str
    raw: bytes
    flags: tuple[str, ...]
    internaldate: datetime


class _Rng:
    """Deterministic choices built on ``random()`` alone (stable across Pythons)."""

    def __init__(self, key: str) -> None:
        self._r = random.Random(key)

    def random(self) -> float:
        return self._r.random()

    def below(self, n: int) -> int:
        return min(int(self._r.random() * n), n - 1)

    def randint(self, a: int, b: int) -> int:
        return a + self.below(b - a + 1)

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.below(len(seq))]

    def chance(self, p: float) -> bool:
        return self._r.random() < p

    def weighted(self, pairs: Sequence[tuple[T, float]]) -> T:
        total = sum(w for _, w in pairs)
        x = self._r.random() * total
        for item, w in pairs:
            x -= w
            if x < 0:
                return item
        return pairs[-1][0]

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        pool = list(seq)
        return [pool.pop(self.below(len(pool))) for _ in range(min(k, len(pool)))]


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    addr: str
    agency: int
    position: str


@dataclass(slots=True)
class _Doc:
    key: str
    type_name: str
    code: str
    number: int
    year: int
    issuer: int  # index in V.AGENCIES, or -1 - index in V.EXTERNAL
    refno: str
    summary: str
    when: datetime
    topic: str
    draft: bool = False
    secret: bool = False
    urgency: str = ""
    formats: tuple[str, ...] = ("pdf",)
    name_style: int = 0


@dataclass(slots=True)
class _Record:
    """What later replies and forwards need to know about a message."""

    msgid: str
    subject: str
    refs: tuple[str, ...]
    sender: tuple[str, str]
    to: list[tuple[str, str]]
    when: datetime
    text: str
    attachments: list[tuple[bytes, str, str]]
    incoming: bool


@dataclass(slots=True)
class _Draft:
    """A message being composed, before MIME assembly."""

    sender: tuple[str, str]
    to: list[tuple[str, str]]
    subject: str
    text: str
    when: datetime
    incoming: bool
    cc: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[tuple[bytes, str, str]] = field(default_factory=list)
    in_reply_to: str = ""
    refs: tuple[str, ...] = ()
    folder: str = ""
    style: str = "old"


def generate(
    count: int, seed: int = 1, *, attachments: bool = True, big_attachment_mb: int = 0
) -> Iterator[GeneratedMessage]:
    """Generate ``count`` messages of a Vietnamese provincial agency mailbox.

    Args:
        count: number of :class:`GeneratedMessage` items yielded (a few are
            copies of the previous message in a second folder, same bytes).
        seed: anything else gives a different mailbox; the same seed gives the
            same bytes on every run and machine.
        attachments: attach PDF/DOCX/XLSX/CSV/TXT files to about half of the
            messages. PDFs need fpdf2 and the DejaVu fonts (``bparchive[dev]``).
        big_attachment_mb: if > 0, one more message (yielded last, folder
            ``INBOX``) carries a PDF of about this many MiB.

    Yields:
        Messages roughly in date order, dates from 2009 to 2025.

    Raises:
        ValueError: ``count`` or ``big_attachment_mb`` is negative.
        BPArchiveError: fpdf2 or the fonts are missing (only when attachments
            are generated).
    """
    if count < 0 or big_attachment_mb < 0:
        raise ValueError("count and big_attachment_mb must be >= 0")
    gen = _Generator(count, seed, attachments)
    yield from gen.run()
    if big_attachment_mb:
        yield gen.big_message(big_attachment_mb)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ddmmyyyy(dt: datetime) -> str:
    return f"{dt.day:02d}/{dt.month:02d}/{dt.year}"


class _Generator:
    def __init__(self, count: int, seed: int, attachments: bool) -> None:
        self.count = count
        self.seed = seed
        self.with_attachments = attachments
        self.rng = _Rng(f"bparchive-demo:{seed}")
        # Each document is carried by several messages (as in real mailboxes,
        # where it is received, forwarded, archived) so that rendering stays a
        # small, bounded cost: 3 to 24 documents a year, 17 years (~0.1 s each).
        self.docs_per_year = max(3, min(24, count // 1000))
        self.people = self._make_people()
        self._docs: dict[int, list[_Doc]] = {}
        self._render_cache: dict[tuple[str, str], bytes] = {}
        self._content_cache: dict[str, DocContent] = {}
        self.recent: deque[_Record] = deque(maxlen=80)
        self.uid = 0

    # ------------------------------------------------------------------ people

    def _make_people(self) -> list[_Person]:
        r = _Rng(f"bparchive-demo:{self.seed}:people")
        people = [_Person("Nguyễn Văn Bình", f"nguyenvanbinh.stnmt@{V.DOMAIN}", 3, "Chuyên viên")]
        seen = {people[0].addr}
        for idx, (box, _name, _sym, _units) in enumerate(V.AGENCIES):
            for _ in range(6 if idx == 0 else (3 if idx < 17 else 2)):
                female = r.chance(0.45)
                name = " ".join(
                    (
                        r.choice(V.FAMILY),
                        r.choice(V.MIDDLE_F if female else V.MIDDLE_M),
                        r.choice(V.GIVEN_F if female else V.GIVEN_M),
                    )
                )
                local = tf.strip_accents(name).replace(" ", "").lower()
                addr = f"{local}.{box}@{V.DOMAIN}"
                n = 1
                while addr in seen:  # Điều 5: the directory keeper disambiguates
                    n += 1
                    addr = f"{local}{n}.{box}@{V.DOMAIN}"
                seen.add(addr)
                people.append(_Person(name, addr, idx, r.choice(V.POSITIONS)))
        return people

    def _staff(self, agency: int) -> list[_Person]:
        return [p for p in self.people if p.agency == agency]

    @staticmethod
    def _agency_box(agency: int) -> tuple[str, str]:
        if agency < 0:
            ext = V.EXTERNAL[-1 - agency]
            return ext[1], ext[0]
        box, name, _sym, _units = V.AGENCIES[agency]
        return name, f"{box}@{V.DOMAIN}"

    # ------------------------------------------------------------------ documents

    def _year_docs(self, year: int) -> list[_Doc]:
        if year in self._docs:
            return self._docs[year]
        r = _Rng(f"bparchive-demo:{self.seed}:docs:{year}")
        n = self.docs_per_year
        counters: dict[tuple[int, str], int] = {}
        docs: list[_Doc] = []
        jan1 = datetime(year, 1, 2, 8, 0, tzinfo=TZ)
        for i in range(n):
            when = jan1 + timedelta(days=int((i + r.random()) * 360 / n), minutes=r.below(480))
            docs.append(self._make_doc(r, f"{year}-{i}", when, counters))
        if year == 2009:
            docs.extend(self._landmark_docs())
        docs.sort(key=lambda d: (d.when, d.key))
        self._docs[year] = docs
        return docs

    def _landmark_docs(self) -> list[_Doc]:
        """The real documents behind the 2009 regulation (domain/README.md)."""
        topic = "tăng cường sử dụng hệ thống thư điện tử trong hoạt động của cơ quan nhà nước"
        return [
            _Doc(
                "2009-L1",
                "Công văn",
                "",
                2125,
                2009,
                -1,
                "2125/BTTTT-ƯDCNTT",
                topic,
                datetime(2009, 7, 9, 9, 0, tzinfo=TZ),
                topic,
            ),
            _Doc(
                "2009-L2",
                "Tờ trình",
                "TTr",
                59,
                2009,
                0,
                "59/TTr-STTTT",
                "đề nghị ban hành Quy chế sử dụng hệ thống thư điện tử",
                datetime(2009, 10, 6, 9, 0, tzinfo=TZ),
                topic,
                formats=("pdf", "docx"),
            ),
            _Doc(
                "2009-L3",
                "Quyết định",
                "QĐ",
                48,
                2009,
                1,
                "48/2009/QĐ-UBND",
                "ban hành Quy chế sử dụng hệ thống thư điện tử trong hoạt động cơ quan nhà "
                "nước trên địa bàn tỉnh Bình Phước",
                datetime(2009, 10, 22, 9, 0, tzinfo=TZ),
                topic,
            ),
        ]

    def _make_doc(
        self, r: _Rng, key: str, when: datetime, counters: dict[tuple[int, str], int]
    ) -> _Doc:
        type_name, code = r.weighted(
            [
                (V.DOC_TYPES[0], 30),
                (V.DOC_TYPES[1], 14),
                (V.DOC_TYPES[2], 14),
                (V.DOC_TYPES[3], 8),
                (V.DOC_TYPES[4], 4),
                (V.DOC_TYPES[5], 8),
                (V.DOC_TYPES[6], 8),
                (V.DOC_TYPES[7], 1.5),
                (V.DOC_TYPES[8], 1.5),
                (V.DOC_TYPES[9], 3),
                (V.DOC_TYPES[10], 2),
                (V.DOC_TYPES[11], 2),
            ]
        )
        if r.chance(0.3):
            issuer = 0
        elif r.chance(0.06):
            issuer = -1 - r.below(len(V.EXTERNAL))
        else:
            issuer = r.randint(1, len(V.AGENCIES) - 1)
        if code in ("CĐ", "CT"):
            issuer = 1
        year = when.year
        ckey = (issuer, code)
        counters[ckey] = counters.get(ckey, r.randint(1, 40)) + r.randint(1, 25)
        number = counters[ckey]
        if issuer < 0:
            sym, unit = V.EXTERNAL[-1 - issuer][2], V.EXTERNAL[-1 - issuer][3]
        else:
            sym, unit = V.AGENCIES[issuer][2], r.choice(V.AGENCIES[issuer][3])
        if not code:
            refno = f"{number}/{sym}-{unit}"
        elif code == "QĐ" and issuer == 1 and r.chance(0.15):
            refno = f"{number}/{year}/QĐ-UBND"  # a legal normative document (VBQPPL)
        else:
            refno = f"{number:02d}/{code}-{sym}"
        topic = r.choice(V.TOPICS)
        summary = self._summary(r, type_name, topic, when)
        draft = type_name in ("Kế hoạch", "Quyết định", "Hướng dẫn", "Công văn", "Tờ trình") and (
            r.chance(0.1)
        )
        secret = type_name in ("Kế hoạch", "Báo cáo") and r.chance(0.012)
        if secret:
            summary = f"bảo đảm an ninh, trật tự {r.choice(('dịp Tết Nguyên đán', 'bầu cử', 'kỳ họp HĐND tỉnh'))} năm {year}"
        urgency = ""
        if code == "CĐ":
            urgency = "HỎA TỐC"
        elif r.chance(0.05):
            urgency = r.choice(("KHẨN", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"))
        if draft:
            formats = ("docx",) if r.chance(0.8) else ("docx", "pdf")
        elif type_name == "Báo cáo":
            formats = r.weighted([(("pdf",), 4), (("pdf", "xlsx"), 3.5), (("xlsx",), 2.5)])
        elif type_name in ("Kế hoạch", "Tờ trình", "Quyết định"):
            formats = ("pdf", "docx") if r.chance(0.25) else ("pdf",)
        else:
            formats = ("docx",) if r.chance(0.1) else ("pdf",)
        return _Doc(
            key,
            type_name,
            code,
            number,
            year,
            issuer,
            refno,
            summary,
            when,
            topic,
            draft,
            secret,
            urgency,
            formats,
            r.below(4),
        )

    @staticmethod
    def _summary(r: _Rng, type_name: str, topic: str, when: datetime) -> str:
        y, m = when.year, when.month
        prev_m, prev_y = (m - 1, y) if m > 1 else (12, y - 1)
        q = ("I", "II", "III", "IV")[(prev_m - 1) // 3]
        event = r.choice(V.EVENTS).format(m=prev_m, y=prev_y)
        options: dict[str, tuple[str, ...]] = {
            "Công văn": (topic, topic, f"{topic} năm {y}"),
            "Giấy mời": (f"dự {event}",),
            "Báo cáo": (
                f"tháng {prev_m}/{prev_y}",
                f"tình hình {topic} tháng {prev_m} năm {prev_y}",
                f"quý {q}/{prev_y} về {topic}",
                f"sơ kết 6 tháng đầu năm {y} về {topic}",
                f"chuyên đề về {topic} năm {y}",
                f"tuần {min(52, max(1, when.timetuple().tm_yday // 7))}/{y} - Phòng Bưu chính Viễn thông",
            ),
            "Quyết định": (
                f"về việc phê duyệt Kế hoạch {topic} năm {y}",
                f"về việc thành lập Tổ công tác {topic}",
                f"về việc khen thưởng thành tích năm {prev_y}",
                f"về việc ban hành Quy chế {topic}",
            ),
            "Tờ trình": (
                f"đề nghị phê duyệt Kế hoạch {topic} năm {y}",
                f"đề nghị ban hành Quy chế {topic}",
            ),
            "Thông báo": (
                f"ý kiến kết luận của Chủ tịch UBND tỉnh tại cuộc {event}",
                f"lịch tiếp công dân tháng {m}/{y}",
                f"kết quả {topic}",
                f"tuyển dụng viên chức năm {y}",
            ),
            "Kế hoạch": (f"{topic} năm {y}", f"triển khai {topic} giai đoạn {y}-{y + 2}"),
            "Công điện": (
                f"về ứng phó cơn bão số {r.randint(1, 9)}",
                "về phòng, chống cháy rừng cao điểm mùa khô",
                "về phòng, chống dịch bệnh",
            ),
            "Chỉ thị": (f"về việc {topic}",),
            "Hướng dẫn": (f"thực hiện {topic}",),
            "Biên bản": (event,),
            "Chương trình": (f"công tác năm {y}", f"hành động về {topic}"),
        }
        return r.choice(options[type_name])

    def _pick_doc(self, when: datetime) -> _Doc:
        docs = [d for d in self._year_docs(when.year) if d.when <= when]
        if not docs and when.year > START.year:
            docs = self._year_docs(when.year - 1)
        if not docs:
            docs = self._year_docs(when.year)
        recent = [d for d in docs if (when - d.when).days <= 45]
        return self.rng.choice(recent if recent and self.rng.chance(0.8) else docs)

    def _issuer_name(self, doc: _Doc) -> str:
        return self._agency_box(doc.issuer)[0]

    def _content(self, doc: _Doc) -> DocContent:
        if doc.key in self._content_cache:
            return self._content_cache[doc.key]
        r = _Rng(f"bparchive-demo:{self.seed}:text:{doc.key}")
        issuer = self._issuer_name(doc)
        if doc.issuer == 1:
            superior, head = "ỦY BAN NHÂN DÂN", "TỈNH BÌNH PHƯỚC"
            roles = r.choice(
                (
                    ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                    ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                )
            )
            place = "Bình Phước"
        elif doc.issuer < 0:
            superior, head = "", issuer.upper()
            roles = ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")
            place = "Hà Nội"
        elif doc.issuer >= 17:
            superior, head = "ỦY BAN NHÂN DÂN", issuer.replace("UBND ", "").upper()
            roles = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
            place = issuer.split(" ", 2)[-1]
        else:
            superior, head = "UBND TỈNH BÌNH PHƯỚC", issuer.upper()
            roles = r.choice((("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("GIÁM ĐỐC",)))
            if doc.issuer == 2:
                roles = ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
            place = "Bình Phước"
        if doc.draft:
            refno = "Số:      /" + doc.refno.split("/", 1)[1] if "/" in doc.refno else doc.refno
            roles = ("DỰ THẢO", *roles[-1:])
        else:
            refno = f"Số: {doc.refno}"
        w = doc.when
        place_date = f"{place}, ngày {w.day:02d} tháng {w.month:02d} năm {w.year}"
        marks = tuple(m for m in ("MẬT" if doc.secret else "", doc.urgency) if m)
        blocks = self._blocks(r, doc, issuer)
        summary = f"V/v {doc.summary}" if not doc.code else _cap(doc.summary)
        unit = doc.refno.rsplit("-", 1)[-1]
        content = DocContent(
            superior=superior,
            issuer=head,
            refno=refno,
            place_date=place_date,
            marks=marks,
            title=doc.type_name.upper() if doc.code else "",
            summary=summary,
            blocks=blocks,
            recipients=(
                "- Như trên;",
                "- UBND tỉnh (b/c);",
                "- Các sở, ban, ngành tỉnh;",
                f"- Lưu: VT, {unit}.",
            ),
            sign_role=roles,
            signer=r.choice(V.SIGNERS) if doc.key != "2009-L3" else "Trương Tấn Thiệu",
            date=doc.when,
            author=r.choice(self._staff(max(doc.issuer, 0)) or self.people).name,
        )
        self._content_cache[doc.key] = content
        return content

    def _sentence(self, r: _Rng, doc: _Doc, issuer: str) -> str:
        laws = [text for year, text in V.LAWS if year <= doc.year]
        prior = [d for d in self._year_docs(doc.year) if d.when < doc.when and not d.draft]
        if prior and r.chance(0.6):
            cited = r.choice(prior)
            ref = f"{cited.type_name} số {cited.refno} của {self._issuer_name(cited)}"
        else:
            ref = r.choice(laws)
        deadline = doc.when + timedelta(days=r.randint(5, 30))
        box = self._agency_box(doc.issuer)[1]
        phone = f"{'0271' if doc.year >= 2017 else '0651'}.38{r.randint(10000, 99999)}"
        return r.choice(V.SENTENCES).format(
            ref=ref,
            topic=doc.topic if r.chance(0.7) else r.choice(V.TOPICS),
            me=issuer,
            action=r.choice(V.ACTIONS),
            law=r.choice(laws),
            deadline=_ddmmyyyy(deadline),
            contact=f"hộp thư {box}",
            pct=r.randint(55, 99),
            pct2=r.randint(2, 25),
            n=r.randint(120, 3500),
            n2=r.randint(40, 110),
            me_mail=box,
            phone=phone,
        )

    def _paras(self, r: _Rng, doc: _Doc, issuer: str, lo: int, hi: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(r.randint(lo, hi)):
            sentences = [self._sentence(r, doc, issuer) for _ in range(r.randint(1, 3))]
            out.append(("p", " ".join(sentences)))
        return out

    def _blocks(self, r: _Rng, doc: _Doc, issuer: str) -> tuple[tuple[str, str], ...]:
        t = doc.type_name
        b: list[tuple[str, str]] = []
        p = self._paras
        if t == "Quyết định":
            b += [("p", f"Căn cứ {law};") for _, law in V.LAWS if _ <= doc.year][-2:]
            b += [
                ("p", f"Theo đề nghị của Giám đốc {self._agency_box(r.randint(3, 16))[0]},"),
                ("h", "QUYẾT ĐỊNH:"),
                ("p", f"Điều 1. {_cap(doc.summary.removeprefix('về việc '))}."),
            ]
            b += p(r, doc, issuer, 1, 4)
            b += [
                ("p", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
                (
                    "p",
                    "Điều 3. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan "
                    "chịu trách nhiệm thi hành Quyết định này./.",
                ),
            ]
        elif t == "Kế hoạch":
            b += [
                ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
                *p(r, doc, issuer, 1, 3),
                ("h", "II. NỘI DUNG"),
                *p(r, doc, issuer, 2, 9),
                ("h", "III. TỔ CHỨC THỰC HIỆN"),
                *p(r, doc, issuer, 1, 3),
            ]
        elif t == "Báo cáo":
            b += [
                ("h", "I. KẾT QUẢ THỰC HIỆN"),
                *p(r, doc, issuer, 2, 10),
                ("h", "II. KHÓ KHĂN, VƯỚNG MẮC"),
                *p(r, doc, issuer, 1, 2),
                ("h", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ"),
                *p(r, doc, issuer, 1, 3),
            ]
        elif t == "Giấy mời":
            d = doc.when + timedelta(days=r.randint(2, 10))
            b += [
                ("p", f"{issuer} trân trọng kính mời: Lãnh đạo các sở, ban, ngành tỉnh"),
                ("p", f"Tham {doc.summary}."),
                (
                    "p",
                    f"Thời gian: {r.choice(('07', '08', '14'))} giờ "
                    f"{r.choice(('00', '30'))}, ngày {_ddmmyyyy(d)}.",
                ),
                ("p", f"Địa điểm: Phòng họp số {r.randint(1, 4)}, {issuer}."),
                ("p", "Thành phần: Lãnh đạo đơn vị và chuyên viên phụ trách."),
                ("p", "Trân trọng kính mời./."),
            ]
        elif t == "Biên bản":
            b += [
                (
                    "p",
                    f"Hôm nay, vào lúc 08 giờ 30 phút, ngày {_ddmmyyyy(doc.when)}, tại "
                    f"{issuer}, diễn ra cuộc {doc.summary}.",
                ),
                ("h", "I. THÀNH PHẦN THAM DỰ"),
                ("p", "Đại diện Lãnh đạo các sở, ban, ngành; thư ký cuộc họp."),
                ("h", "II. NỘI DUNG"),
                *p(r, doc, issuer, 2, 5),
                ("p", "Biên bản kết thúc vào lúc 11 giờ 00 cùng ngày./."),
            ]
        elif t == "Tờ trình":
            b += [
                ("p", "Kính gửi: Ủy ban nhân dân tỉnh."),
                *p(r, doc, issuer, 2, 6),
                ("p", "Kính trình UBND tỉnh xem xét, phê duyệt./."),
            ]
        else:
            b += [
                ("p", "Kính gửi: Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố."),
                *p(r, doc, issuer, 2, 6),
                ("p", r.choice(V.CLOSINGS)),
            ]
        return tuple(b)

    def _render(self, doc: _Doc, fmt: str) -> bytes:
        key = (doc.key, fmt)
        if key not in self._render_cache:
            content = self._content(doc)
            if fmt == "pdf":
                data = render_pdf(content)
            elif fmt == "docx":
                data = render_docx(content)
            else:
                data = render_xlsx(*self._table(doc), content)
            self._render_cache[key] = data
        return self._render_cache[key]

    def _table(self, doc: _Doc) -> tuple[str, list[str], list[list[object]]]:
        r = _Rng(f"bparchive-demo:{self.seed}:table:{doc.key}")
        header = ["STT", "Đơn vị", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ (%)"]
        rows: list[list[object]] = []
        for i, (_box, name, _sym, _units) in enumerate(V.AGENCIES[1:], start=1):
            plan = r.randint(20, 400)
            done = r.randint(plan // 2, plan)
            rows.append(
                [i, name, "Văn bản gửi qua thư điện tử", plan, done, round(100 * done / plan, 1)]
            )
        return f"{doc.type_name} {doc.summary}", header, rows

    def _filename(self, doc: _Doc, fmt: str, r: _Rng) -> str:
        if doc.draft:
            stem = f"Dự thảo {doc.type_name} (lần {1 + int(doc.key.rsplit('-', 1)[1]) % 3})"
        elif fmt == "xlsx" and "pdf" in doc.formats:
            stem = r.choice(
                ("Phụ lục số liệu", f"Biểu mẫu {doc.type_name.lower()} số {doc.number}")
            )
        elif doc.name_style == 0:
            stem = f"{doc.type_name} số {doc.number}"
        elif doc.name_style == 1:
            stem = doc.refno.replace("/", "-")
        elif doc.name_style == 2:
            words = doc.summary.split()
            stem = f"{doc.type_name} {doc.number}-{doc.year} {' '.join(words[:7])}"
        else:
            stem = tf.strip_accents(f"{doc.type_name} so {doc.number}")
        return f"{stem.replace('/', '-')}.{fmt}"

    # ------------------------------------------------------------------ run

    def run(self) -> Iterator[GeneratedMessage]:
        produced = 0
        while produced < self.count:
            when = self._timeline(produced)
            draft, copy_folder, flags = self._next(when)
            raw = self._assemble(draft)
            internal = draft.when + (
                timedelta(seconds=5 + self.rng.below(240)) if draft.incoming else timedelta()
            )
            yield GeneratedMessage(draft.folder, raw, flags, internal)
            produced += 1
            if copy_folder and produced < self.count:
                yield GeneratedMessage(copy_folder, raw, flags, internal)
                produced += 1
            self.uid += 1

    def _timeline(self, produced: int) -> datetime:
        r = self.rng
        span = (END - START).total_seconds()
        frac = (produced + r.random()) / max(self.count, 1)
        day = (START + timedelta(seconds=span * frac)).replace(hour=0, minute=0, second=0)
        if day.weekday() >= 5 and r.chance(0.85):
            day += timedelta(days=7 - day.weekday())
        hour = r.weighted(
            [
                (7, 3),
                (8, 5),
                (9, 5),
                (10, 5),
                (11, 3),
                (13, 3),
                (14, 5),
                (15, 5),
                (16, 4),
                (17, 1),
                (20, 0.5),
                (22, 0.3),
            ]
        )
        return min(
            day.replace(hour=hour, minute=r.below(60), second=r.below(60), microsecond=0), END
        )

    def _next(self, when: datetime) -> tuple[_Draft, str, tuple[str, ...]]:
        r = self.rng
        kind = r.weighted(
            [
                ("doc", 62),
                ("reply", 15),
                ("forward", 5),
                ("personal", 13),
                ("draft", 2),
                ("trash", 1.5),
            ]
        )
        candidates: list[_Record] = []
        if kind in ("reply", "forward"):
            candidates = [
                x for x in self.recent if timedelta(0) <= when - x.when <= timedelta(days=60)
            ]
            if not candidates:
                kind = "doc"
        if kind == "doc":
            d = self._doc_message(self._pick_doc(when), when)
        elif kind == "reply":
            d = self._reply(r.choice(candidates), when)
        elif kind == "forward":
            with_att = [x for x in candidates if x.attachments]
            d = self._forward(r.choice(with_att or candidates), when)
        elif kind == "personal":
            d = self._personal(when)
        elif kind == "draft":
            d = self._doc_message(self._pick_doc(when), when)
            d.incoming = False
            d.sender = (OWNER_NAME, OWNER_ADDR)
            d.folder = "Drafts"
        else:
            d = self._trash(when)
        self._variant(d)
        copy_folder = ""
        if not d.folder:
            d.folder, copy_folder = self._folder(d, kind)
        flags = self._flags_for(d)
        return d, copy_folder, flags

    def _folder(self, d: _Draft, kind: str) -> tuple[str, str]:
        r = self.rng
        official = kind in ("doc", "forward")
        if d.incoming:
            if d.when.year in (2023, 2024) and r.chance(0.55):
                return f"Lưu trữ/{d.when.year}", ""
            if official and r.chance(0.45):
                return "Văn bản đến", ""
            return "INBOX", ("Văn bản đến" if official and r.chance(0.06) else "")
        if official and r.chance(0.5):
            return "Văn bản đi", ""
        return "Sent", ("Văn bản đi" if official and r.chance(0.08) else "")

    def _flags_for(self, d: _Draft) -> tuple[str, ...]:
        r = self.rng
        if d.folder == "Drafts":
            return _flags("\\Draft", "\\Seen")
        flags = []
        if not d.incoming or r.chance(0.9) or d.when.year < 2025:
            flags.append("\\Seen")
        if r.chance(0.07):
            flags.append("\\Flagged")
        if d.incoming and "\\Seen" in flags and r.chance(0.1):
            flags.append("\\Answered")
        return _flags(*flags)

    # ------------------------------------------------------------------ message kinds

    def _signature(self, sender: tuple[str, str], when: datetime) -> str:
        phone = f"{'0271' if when.year >= 2017 else '0651'}.38{self.rng.randint(10000, 99999)}"
        person = next((p for p in self.people if p.addr == sender[1]), None)
        if person is not None:
            agency = V.AGENCIES[person.agency][1]
            return f"--\n{person.name}\n{person.position} - {agency}\nĐT: {phone} - Email: {person.addr}"
        return f"--\nVăn thư {sender[0]}\nĐT: {phone} - Email: {sender[1]}"

    def _doc_message(self, doc: _Doc, when: datetime) -> _Draft:
        r = self.rng
        issuer_name, issuer_box = self._agency_box(doc.issuer)
        incoming = doc.issuer != 0
        if incoming:
            staff = self._staff(doc.issuer) if doc.issuer >= 0 else []
            sender = (issuer_name, issuer_box)
            if staff and r.chance(0.3):
                person = r.choice(staff)
                sender = (person.name, person.addr)
            to = [(OWNER_NAME, OWNER_ADDR)]
            if r.chance(0.35):
                to += [self._agency_box(i) for i in r.sample(range(1, 17), r.randint(1, 5))]
            to = [t for t in to if t[1] != sender[1]] or [(OWNER_NAME, OWNER_ADDR)]
            cc = [(p.name, p.addr) for p in r.sample(self._staff(0), 1)] if r.chance(0.2) else []
            greeting = "Kính gửi: Sở Thông tin và Truyền thông."
        else:
            sender = (OWNER_NAME, OWNER_ADDR)
            to = [self._agency_box(i) for i in r.sample(range(1, len(V.AGENCIES)), r.randint(1, 8))]
            cc = []
            greeting = (
                "Kính gửi:\n- Các sở, ban, ngành tỉnh;\n- UBND các huyện, thị xã, thành phố."
                if len(to) > 2
                else f"Kính gửi: {to[0][0]}."
            )
        subject = self._doc_subject(doc)
        described = (
            f"dự thảo {doc.type_name} {doc.summary}"
            if doc.draft
            else f"{doc.type_name} số {doc.refno} ngày {_ddmmyyyy(doc.when)} của {issuer_name} "
            + (f"V/v {doc.summary}" if not doc.code else doc.summary)
        )
        cover = r.choice(V.COVER_NOTES).format(
            me=issuer_name if incoming else OWNER_NAME,
            doc=described,
            deadline=_ddmmyyyy(when + timedelta(days=r.randint(3, 15))),
        )
        content = self._content(doc)
        paras = [t for k, t in content.blocks if k == "p"][: r.randint(0, 3)]
        unit = doc.refno.rsplit("-", 1)[-1]
        text = "\n\n".join(
            [
                greeting,
                _cap(cover),
                *paras,
                r.choice(V.CLOSINGS),
                f"Nơi nhận:\n- Như trên;\n- Lưu: VT, {unit}.",
                self._signature(sender, when),
            ]
        )
        d = _Draft(sender, to, subject, text, when, incoming, cc)
        if self.with_attachments and r.chance(0.7):
            fmts = doc.formats if r.chance(0.7) else doc.formats[:1]
            fr = _Rng(f"bparchive-demo:{self.seed}:fname:{doc.key}")
            for fmt in fmts:
                d.attachments.append(
                    (self._render(doc, fmt), MIME_TYPES[fmt], self._filename(doc, fmt, fr))
                )
            if r.chance(0.08):
                d.attachments.append(self._small_attachment(when))
        return d

    def _doc_subject(self, doc: _Doc) -> str:
        r = self.rng
        t, ref = doc.type_name, doc.refno
        if doc.draft:
            s = r.choice(
                (
                    f"Dự thảo {t} {doc.summary} - đề nghị góp ý",
                    f"V/v lấy ý kiến góp ý dự thảo {t} {doc.summary}",
                    f"Góp ý dự thảo {t} {doc.summary}",
                )
            )
        elif not doc.code:
            vv = r.weighted([("V/v", 8), ("V/V", 1), ("v/v", 1), ("Về việc", 1)])
            s = r.weighted(
                [
                    (f"{vv} {doc.summary}", 5),
                    (f"Công văn số {ref} {vv} {doc.summary}", 3),
                    (f"{ref} {vv} {doc.summary}", 1),
                    (f"Gửi để biết: Công văn số {ref} ngày {_ddmmyyyy(doc.when)}", 0.5),
                ]
            )
        else:
            code = doc.code
            s = r.weighted(
                [
                    (f"{t} số {ref} {doc.summary}", 5),
                    (f"{t} {doc.summary} (Số {ref})", 3),
                    (f"{code} {ref} {doc.summary}", 1),
                    (f"Gửi để biết: {t} số {ref} ngày {_ddmmyyyy(doc.when)}", 0.6),
                    (f"Sao y bản chính {t} số {ref}", 0.4),
                    (f"{t} {doc.summary}", 2),
                ]
            )
            if t == "Giấy mời" and r.chance(0.3):
                s = f"Thư mời tham {doc.summary}"
        if doc.secret:
            s = f"[MẬT] {t} {doc.summary}"
        elif doc.urgency and r.chance(0.8):
            s = r.choice(
                (
                    f"{doc.urgency}: {s}",
                    f"{doc.urgency} - {s}",
                    f"[{_cap(doc.urgency.lower())}] {s}",
                )
            )
        return s

    def _quote(self, rec: _Record) -> str:
        lines = rec.text.split("\n")[:14]
        who = f"{rec.sender[0]} <{rec.sender[1]}>"
        head = f"Vào {_ddmmyyyy(rec.when)} lúc {rec.when:%H:%M}, {who} đã viết:"
        return head + "\n" + "\n".join(("> " + x) if x else ">" for x in lines)

    def _reply(self, parent: _Record, when: datetime) -> _Draft:
        r = self.rng
        when = max(when, parent.when + timedelta(minutes=10 + r.below(600)))
        if parent.incoming:
            sender, incoming = (OWNER_NAME, OWNER_ADDR), False
            to = [parent.sender]
        else:
            target = r.choice(parent.to)
            agency = next((i for i, a in enumerate(V.AGENCIES) if f"{a[0]}@" in target[1]), -1)
            staff = self._staff(agency) if agency >= 0 else []
            if staff and r.chance(0.6):
                p = r.choice(staff)
                sender = (p.name, p.addr)
            else:
                sender = target
            incoming = True
            to = [(OWNER_NAME, OWNER_ADDR)]
        base = parent.subject
        if base[:3].lower() in ("re:", "tl:"):
            subject = base if r.chance(0.8) else f"TL: {base}"
        else:
            subject = r.weighted([("Re: ", 6), ("RE: ", 2), ("TL: ", 1), ("Trả lời: ", 0.5)]) + base
        text = "\n\n".join(
            [r.choice(V.REPLIES), "Trân trọng.", self._signature(sender, when), self._quote(parent)]
        )
        d = _Draft(sender, to, subject, text, when, incoming)
        d.in_reply_to = parent.msgid
        d.refs = (*parent.refs, parent.msgid)[-10:]
        if self.with_attachments and r.chance(0.1):
            d.attachments.append(self._small_attachment(when))
        return d

    def _forward(self, parent: _Record, when: datetime) -> _Draft:
        r = self.rng
        when = max(when, parent.when + timedelta(minutes=5 + r.below(2000)))
        if parent.incoming:
            sender, incoming = (OWNER_NAME, OWNER_ADDR), False
            to = [(p.name, p.addr) for p in r.sample(self.people[1:], r.randint(1, 3))]
            note = r.choice(
                (
                    "Chuyển anh/chị xử lý theo chỉ đạo của Lãnh đạo Sở.",
                    "Gửi để biết và thực hiện.",
                    "Chuyển các đơn vị nghiên cứu, góp ý.",
                )
            )
        else:
            p = r.choice(self.people[1:])
            sender, incoming = (p.name, p.addr), True
            to = [(OWNER_NAME, OWNER_ADDR)]
            note = "Em chuyển lại văn bản để Văn thư Sở lưu hồ sơ."
        subject = (
            r.weighted([("Fwd: ", 5), ("Fw: ", 2), ("FW: ", 2), ("Chuyển tiếp: ", 1)])
            + parent.subject
        )
        header = (
            "---------- Thư chuyển tiếp ----------\n"
            f"Từ: {parent.sender[0]} <{parent.sender[1]}>\n"
            f"Ngày: {_ddmmyyyy(parent.when)} {parent.when:%H:%M}\n"
            f"Tiêu đề: {parent.subject}\n"
            f"Đến: {', '.join(a for _, a in parent.to)}"
        )
        text = "\n\n".join([note, self._signature(sender, when), header, parent.text])
        d = _Draft(sender, to, subject, text, when, incoming)
        d.refs = (*parent.refs, parent.msgid)[-10:]
        d.attachments = list(parent.attachments) if self.with_attachments else []
        return d

    def _personal(self, when: datetime) -> _Draft:
        r = self.rng
        p = r.choice(self.people)
        outgoing = r.chance(0.3)
        me = (OWNER_NAME, OWNER_ADDR)
        sender, to = (me, [(p.name, p.addr)]) if outgoing else ((p.name, p.addr), [me])
        subject = r.choice(V.PERSONAL_SUBJECTS)
        body = [
            f"Chào {'anh/chị' if outgoing else 'Văn thư Sở'},",
            r.choice(V.REPLIES),
            self._sentence(
                _Rng(f"bparchive-demo:{self.seed}:p:{self.uid}"), self._pick_doc(when), OWNER_NAME
            ),
            "Cảm ơn.",
            self._signature(sender, when),
        ]
        d = _Draft(sender, to, subject, "\n\n".join(body), when, not outgoing)
        if self.with_attachments and r.chance(0.25):
            d.attachments.append(self._small_attachment(when))
        return d

    def _trash(self, when: datetime) -> _Draft:
        r = self.rng
        subject = r.choice(
            (
                "Thông báo: Hộp thư của bạn đã sử dụng 90% dung lượng",
                "Cảnh báo đăng nhập bất thường vào hộp thư công vụ",
                "Thông báo bảo trì hệ thống thư điện tử tỉnh",
                "Đổi mật khẩu hộp thư công vụ định kỳ",
            )
        )
        text = (
            "Kính gửi: Quý đơn vị,\n\nHệ thống thư điện tử tỉnh Bình Phước thông báo nội dung như "
            f"tiêu đề. Mọi thắc mắc xin liên hệ {ADMIN[1]}.\n\nTrân trọng./."
        )
        d = _Draft(ADMIN, [(OWNER_NAME, OWNER_ADDR)], subject, text, when, True)
        d.folder = "Thùng rác"
        return d

    def _small_attachment(self, when: datetime) -> tuple[bytes, str, str]:
        r = self.rng
        if r.chance(0.5):
            agencies = r.sample(range(len(V.AGENCIES)), 3)
            rows = ["STT,Họ và tên,Cơ quan,Địa chỉ thư điện tử"]
            people = [p for p in self.people if p.agency in agencies]
            rows += [
                f'{i},{p.name},"{V.AGENCIES[p.agency][1]}",{p.addr}'
                for i, p in enumerate(people, 1)
            ]
            data = ("\r\n".join(rows) + "\r\n").encode("utf-8")
            if r.chance(0.5):
                data = b"\xef\xbb\xbf" + data  # Excel writes a BOM
            name = r.choice(
                ("Danh bạ thư điện tử.csv", "Danh sach dai bieu.csv", "Danh sách đầu mối.csv")
            )
            return data, "text/csv", name
        text = (
            f"Ghi chú ngày {_ddmmyyyy(when)}\n"
            f"- {_cap(r.choice(V.ACTIONS))} {r.choice(V.TOPICS)}.\n"
            f"- Hạn gửi báo cáo: {_ddmmyyyy(when + timedelta(days=r.randint(3, 20)))}.\n"
        )
        return (
            text.encode("utf-8"),
            "text/plain",
            r.choice(("Ghi chú.txt", "Noi dung can luu y.txt")),
        )

    # ------------------------------------------------------------------ variants and assembly

    def _variant(self, d: _Draft) -> None:
        """Damage some messages the way real mail is damaged."""
        r = self.rng
        tcvn3_p = 0.10 if d.when.year <= 2012 else 0.01
        style = r.weighted(
            [("old", 62), ("new", 30), ("nfd", 2), ("plain", 4), ("tcvn3", tcvn3_p * 100)]
        )
        conv: Callable[[str], str] | None = {
            "new": tf.to_new_style,
            "nfd": tf.to_nfd,
            "plain": tf.strip_accents,
        }.get(style)
        if conv is not None:
            d.subject = conv(d.subject)
            d.text = conv(d.text)
            if style != "plain":
                d.sender = (conv(d.sender[0]), d.sender[1])
        if style in ("nfd", "plain") or r.chance(0.03):
            fix = tf.strip_accents if style == "plain" else tf.to_nfd
            d.attachments = [(data, mt, fix(name)) for data, mt, name in d.attachments]
        d.style = style

    def _msgid(self, when: datetime, sender: str, mailer: int) -> str:
        h = hashlib.sha1(f"{self.seed}:{self.uid}".encode()).hexdigest()
        domain = sender.rsplit("@", 1)[1]
        if mailer in (0, 3):
            ms = int(when.timestamp() * 1000)
            return f"<{int(h[:8], 16) % 2000000}.{int(h[8:12], 16)}.{ms}.JavaMail.zimbra@{domain}>"
        if mailer == 1:
            return f"<000001d{h[:3]}${h[3:11]}${h[11:19]}$@{domain}>"
        return f"<{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}@{domain}>"

    def _assemble(self, d: _Draft) -> bytes:
        r = self.rng
        mailer = r.below(len(V.MAILERS))
        msgid = self._msgid(d.when, d.sender[1], mailer)
        style = d.style
        headers: list[str] = []
        if d.incoming:
            qid = hashlib.sha1(f"q:{self.seed}:{self.uid}".encode()).hexdigest()[:10].upper()
            headers += [
                f"Return-Path: <{d.sender[1]}>",
                "Received: from mail.binhphuoc.gov.vn (mail.binhphuoc.gov.vn [10.10.1.5])\r\n"
                f"\tby mx.binhphuoc.gov.vn (Postfix) with ESMTP id {qid}\r\n"
                f"\tfor <{OWNER_ADDR}>; {format_datetime(d.when)}",
            ]
        if style == "tcvn3" and r.chance(0.5):
            subject = mime.encoded_words(tf.tcvn3_mojibake(d.subject), "windows-1252")
        else:
            subject = mime.encoded_words(d.subject)
        headers += [
            f"Message-ID: {msgid}",
            f"Date: {format_datetime(d.when)}",
            f"From: {mime.address(*d.sender)}",
            f"To: {mime.address_list(d.to)}",
        ]
        if d.cc:
            headers.append(f"Cc: {mime.address_list(d.cc)}")
        headers.append(f"Subject: {subject}")
        if d.in_reply_to:
            headers.append(f"In-Reply-To: {d.in_reply_to}")
        if d.refs:
            headers.append("References: " + "\r\n ".join(d.refs))
        ua = "User-Agent" if mailer == 2 else "X-Mailer"
        headers += [f"{ua}: {V.MAILERS[mailer]}", "MIME-Version: 1.0"]

        tag = f"{self.seed}_{self.uid}"
        if style == "tcvn3":
            body = mime.text_entity(
                tf.tcvn3_encode(d.text),
                charset=r.choice(("windows-1252", "iso-8859-1", "")),
                cte=r.choice(("quoted-printable", "8bit")),
            )
        else:
            cte = r.weighted([("base64", 45), ("quoted-printable", 35), ("8bit", 20)])
            body = mime.text_entity(d.text, cte=cte)
            if r.chance(0.3):
                html_doc = (
                    '<html><body><div style="font-family: Times New Roman; font-size: 12pt">'
                    + "".join(
                        f"<p>{html.escape(par).replace(chr(10), '<br>')}</p>"
                        for par in d.text.split("\n\n")
                    )
                    + "</div></body></html>"
                )
                body = mime.multipart(
                    "alternative",
                    f"----=_Part_{tag}.alt",
                    [body, mime.text_entity(html_doc, subtype="html", cte=cte)],
                )
        if d.attachments:
            astyle = r.weighted([("rfc2231", 5), ("both", 3), ("rfc2047", 2)])
            parts = [body] + [
                mime.attachment_entity(data, mt, name, astyle) for data, mt, name in d.attachments
            ]
            body = mime.multipart("mixed", f"----=_Part_{tag}.mixed", parts)
        raw = mime.serialize(body, headers)
        self.recent.append(
            _Record(
                msgid, d.subject, d.refs, d.sender, d.to, d.when, d.text, d.attachments, d.incoming
            )
        )
        return raw

    def big_message(self, size_mb: int) -> GeneratedMessage:
        """One incoming message carrying a PDF of about ``size_mb`` MiB."""
        when = datetime(2024, 11, 15, 9, 30, tzinfo=TZ)
        doc = _Doc(
            "big",
            "Công văn",
            "",
            1536,
            2024,
            2,
            "1536/VP-KSTTHC",
            "gửi hồ sơ số hóa tài liệu lưu trữ năm 2024 (bản quét)",
            when,
            "số hóa hồ sơ, tài liệu lưu trữ",
        )
        data = render_big_pdf(self._content(doc), size_mb, self.seed)
        sender = self._agency_box(2)
        d = _Draft(
            sender,
            [(OWNER_NAME, OWNER_ADDR)],
            f"V/v {doc.summary}",
            "Kính gửi: Sở Thông tin và Truyền thông.\n\nVăn phòng UBND tỉnh gửi hồ sơ số "
            "hóa (bản quét) để lưu trữ.\n\nTrân trọng./.",
            when,
            True,
        )
        d.attachments = [(data, MIME_TYPES["pdf"], f"Hồ sơ số hóa {size_mb} MB.pdf")]
        d.folder = "INBOX"
        self.uid = max(self.uid, self.count) + 1
        raw = self._assemble(d)
        return GeneratedMessage("INBOX", raw, _flags("\\Seen"), when + timedelta(seconds=30))


def _flags(*flags: str) -> tuple[str, ...]:
    return tuple(sorted(set(flags)))
