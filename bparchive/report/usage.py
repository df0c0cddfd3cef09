"""The usage report of regulation Điều 18: how the unit used e-mail in a period.

Who calls it: ``services.filing.report`` (``bparchive report``, the TUI's
report screen). Everything comes from the store: messages sent and received
per month, per category and per counterpart agency; attachments; the busiest
correspondents; and when each mailbox was checked (``sync_runs``) against the
schedule of Điều 8.

A message counts as *sent* when it lies in a sent folder (special-use
``\\Sent``, or named Sent / Sent Items / Văn bản đi / Thư đã gửi …) or comes
from one of the archive's own addresses; every other message is *received*.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from bparchive.config import DEFAULT_SCHEDULE, Settings
from bparchive.store import Store

#: A scheduled check counts as done when a successful sync started this long before it…
CHECK_BEFORE = timedelta(minutes=30)
#: …or at most this long after it (the scheduler starts its sync at the time itself).
CHECK_AFTER = timedelta(minutes=5)
#: Working days (Monday–Friday): the schedule of Điều 8 is for working days.
WORKDAYS = frozenset(range(5))
TOP_CORRESPONDENTS = 10
MAX_MISSED_LISTED = 100

SENT_FOLDER_NAMES = frozenset(
    unicodedata.normalize("NFC", n).casefold()
    for n in (
        "Sent",
        "Sent Items",
        "Sent Messages",
        "Sent Mail",
        "Sent-Mail",
        "Gửi đi",
        "Đã gửi",
        "Thư đã gửi",
        "Thư gửi đi",
        "Văn bản đi",
        "Văn bản gửi đi",
        "Thư đi",
        "INBOX.Sent",
    )
)
# Attachments that are not documents: logos, signature images, signature blocks.
_NOT_DOCUMENTS = ("inline image", "signature block")


@dataclass
class MonthRow:
    """Messages of one month (``YYYY-MM``)."""

    month: str
    sent: int = 0
    received: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.received


@dataclass
class CountRow:
    """Sent and received messages for one key (a category, an agency)."""

    key: str
    label: str
    sent: int = 0
    received: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.received


@dataclass
class KindRow:
    """Attachments of one kind (pdf, docx, …)."""

    kind: str
    count: int = 0
    bytes: int = 0


@dataclass
class Correspondent:
    """An address the unit exchanged mail with."""

    email: str
    name: str
    agency: str
    agency_name: str
    sent_to: int = 0
    received_from: int = 0

    @property
    def total(self) -> int:
        return self.sent_to + self.received_from


@dataclass
class ScheduleCheck:
    """How one account's mailbox was checked against its Điều 8 schedule.

    Attributes:
        account: Account name.
        kind: ``agency`` or ``personal``.
        times: The scheduled times (``HH:MM``, local).
        first_day, last_day: The working days counted (ISO dates; "" when none).
        days: Working days counted.
        slots: Scheduled checks in those days (up to now).
        met: Checks with a successful sync from 30 minutes before to 5 minutes after.
        percent: ``met / slots`` in per cent (None when there was no slot).
        missed: The first missed checks, ``YYYY-MM-DD HH:MM``.
        syncs: Successful syncs of the account in the period.
        last_sync: Local time of the last successful sync (ISO; "" when none).
    """

    account: str
    kind: str
    times: list[str]
    first_day: str = ""
    last_day: str = ""
    days: int = 0
    slots: int = 0
    met: int = 0
    percent: float | None = None
    missed: list[str] = field(default_factory=list)
    syncs: int = 0
    last_sync: str = ""


@dataclass
class UsageReport:
    """The report. ``render_report`` turns it into text, Markdown, CSV or JSON."""

    since: str | None
    until: str | None
    generated: str
    messages: int = 0
    sent: int = 0
    received: int = 0
    undated: int = 0
    months: list[MonthRow] = field(default_factory=list)
    categories: list[CountRow] = field(default_factory=list)
    agencies: list[CountRow] = field(default_factory=list)
    attachments: int = 0
    attachment_bytes: int = 0
    attachment_kinds: list[KindRow] = field(default_factory=list)
    correspondents: list[Correspondent] = field(default_factory=list)
    schedule: list[ScheduleCheck] = field(default_factory=list)
    schedule_percent: float | None = None
    own_addresses: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (totals of rows included)."""
        d = asdict(self)
        for key, rows in (
            ("months", self.months),
            ("categories", self.categories),
            ("agencies", self.agencies),
            ("correspondents", self.correspondents),
        ):
            for out, row in zip(d[key], rows, strict=True):
                out["total"] = row.total
        return d


# -- building -----------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


def is_sent_folder(name: str, delimiter: str | None, special_use: str | None) -> bool:
    """Whether a folder holds sent mail (special-use ``\\Sent`` or a usual name)."""
    if special_use and "\\sent" in special_use.lower().split():
        return True
    last = name.split(delimiter or "/")[-1] if name else ""
    return _fold(last) in SENT_FOLDER_NAMES or _fold(name) in SENT_FOLDER_NAMES


def own_addresses(store: Store, settings: Settings) -> set[str]:
    """The archive's own addresses: account logins and names that are addresses."""
    out = set()
    for acc in settings.accounts:
        for v in (acc.user, acc.name):
            if v and "@" in v:
                out.add(v.strip().lower())
    for (name,) in store.execute("SELECT name FROM accounts"):
        if "@" in (name or ""):
            out.add(name.strip().lower())
    return out


def _in_period(d: str | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if not d:
        return False
    day = d[:10]
    if since is not None and day < since.isoformat():
        return False
    return not (until is not None and day > until.isoformat())


def _counterpart(email: str) -> tuple[str, str]:
    """(key, label) of the agency behind an address; other domains by ``@domain``."""
    from bparchive.filing import agency_name, parse_address

    info = parse_address(email)
    if info.agency:
        return info.agency, agency_name(info.agency)
    dom = info.domain or "?"
    return "@" + dom, dom


def build_report(
    store: Store,
    settings: Settings,
    since: date | None = None,
    until: date | None = None,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> UsageReport:
    """Compute the usage report for ``since``–``until`` (inclusive, by the messages' dates).

    Args:
        store: An open store.
        settings: The configuration (accounts, their kinds and schedules).
        since: First day, or None for no lower bound.
        until: Last day, or None for no upper bound (today for the schedule).
        tz: Time zone of the schedule's wall-clock times (default: this machine's).
        now: The current time (tests); slots after it are not counted.

    Returns:
        A :class:`UsageReport`.
    """
    from bparchive.filing import category_label

    tz = tz or datetime.now().astimezone().tzinfo
    assert tz is not None
    now = (now or datetime.now(tz)).astimezone(tz)
    rep = UsageReport(
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        generated=now.isoformat(timespec="seconds"),
    )
    own = own_addresses(store, settings)
    rep.own_addresses = sorted(own)
    sent_folders = {
        r[0]
        for r in store.execute("SELECT id, name, delimiter, special_use FROM folders").fetchall()
        if is_sent_folder(r[1], r[2], r[3])
    }
    in_sent: set[int] = set()
    if sent_folders:
        marks = ",".join("?" * len(sent_folders))
        in_sent = {
            r[0]
            for r in store.execute(
                f"SELECT DISTINCT message_id FROM locations WHERE folder_id IN ({marks})",
                sorted(sent_folders),
            )
        }

    months: dict[str, MonthRow] = {}
    cats: dict[str, CountRow] = {}
    agencies: dict[str, CountRow] = {}
    people: dict[str, Correspondent] = {}
    names: dict[str, Counter[str]] = defaultdict(Counter)
    ids: list[int] = []
    rows = store.execute(
        "SELECT p.message_id, p.from_name, p.from_email, p.recipients, p.date, "
        "COALESCE(f.manual_category, f.category, 'khac') FROM parsed p "
        "LEFT JOIN filing f ON f.message_id = p.message_id"
    )
    for mid, from_name, from_email, recipients, d, cat in rows:
        if not d:
            rep.undated += 1
        if not _in_period(d, since, until):
            continue
        ids.append(mid)
        sender = (from_email or "").strip().lower()
        sent = mid in in_sent or sender in own
        rep.messages += 1
        rep.sent += sent
        rep.received += not sent
        if d:
            m = months.setdefault(d[:7], MonthRow(d[:7]))
            m.sent += sent
            m.received += not sent
        c = cats.setdefault(cat, CountRow(cat, category_label(cat)))
        c.sent += sent
        c.received += not sent
        try:
            recips = [r for r in json.loads(recipients or "[]") if r[0] in ("to", "cc")]
        except (ValueError, IndexError, TypeError):
            recips = []
        # Who was on the other side: the recipients of what we sent, the sender of the rest.
        others = (
            [(str(n or ""), str(e or "").lower()) for _f, n, e in recips]
            if sent
            else [(from_name or "", sender)]
        )
        seen_agencies: set[str] = set()
        seen_people: set[str] = set()
        for name, email in others:
            if "@" not in email or email in own or email in seen_people:
                continue
            seen_people.add(email)
            key, label = _counterpart(email)
            if key not in seen_agencies:
                seen_agencies.add(key)
                a = agencies.setdefault(key, CountRow(key, label))
                a.sent += sent
                a.received += not sent
            p = people.get(email)
            if p is None:
                from bparchive.filing import agency_name, parse_address

                info = parse_address(email)
                p = Correspondent(
                    email,
                    "",
                    info.agency or "",
                    agency_name(info.agency) if info.agency else "",
                )
                people[email] = p
            p.sent_to += sent
            p.received_from += not sent
            if name.strip():
                names[email][" ".join(name.split())] += 1

    rep.months = [months[k] for k in sorted(months)]
    rep.categories = sorted(cats.values(), key=lambda r: (-r.total, r.key))
    rep.agencies = sorted(agencies.values(), key=lambda r: (-r.total, r.key))
    for email, p in people.items():
        if names[email]:
            p.name = sorted(names[email].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    rep.correspondents = sorted(people.values(), key=lambda p: (-p.total, p.email))[
        :TOP_CORRESPONDENTS
    ]
    _attachments(store, ids, rep)
    rep.schedule = _schedule(store, settings, since, until, tz, now)
    slots = sum(s.slots for s in rep.schedule)
    met = sum(s.met for s in rep.schedule)
    rep.schedule_percent = round(100.0 * met / slots, 1) if slots else None
    return rep


def _attachments(store: Store, ids: Sequence[int], rep: UsageReport) -> None:
    kinds: dict[str, KindRow] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for kind, ctype, filename, size, status, reason in store.execute(
            f"SELECT kind, content_type, filename, size, status, reason FROM attachments "
            f"WHERE message_id IN ({marks})",
            chunk,
        ):
            if status == "skipped" and (reason or "").startswith(_NOT_DOCUMENTS):
                continue
            k = kind if kind and kind != "unknown" else _kind_of(filename or "", ctype or "")
            row = kinds.setdefault(k, KindRow(k))
            row.count += 1
            row.bytes += int(size or 0)
            rep.attachments += 1
            rep.attachment_bytes += int(size or 0)
    rep.attachment_kinds = sorted(kinds.values(), key=lambda r: (-r.count, r.kind))


def _kind_of(filename: str, ctype: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    if dot and stem and 0 < len(ext) <= 8 and ext.isalnum():
        return ext.lower()
    return ctype.split("/")[-1].lower() if ctype else "unknown"


def _schedule(
    store: Store,
    settings: Settings,
    since: date | None,
    until: date | None,
    tz: tzinfo,
    now: datetime,
) -> list[ScheduleCheck]:
    accounts: dict[str, tuple[str, tuple[str, ...]]] = {}
    for acc in settings.accounts:
        if not acc.is_local:
            accounts[acc.name] = (acc.kind, acc.effective_schedule(settings))
    created: dict[str, str] = {}
    for name, kind, made in store.execute("SELECT name, kind, created FROM accounts"):
        created[name] = made or ""
        if name not in accounts and kind in DEFAULT_SCHEDULE:
            accounts[name] = (kind, settings.schedule.get(kind, DEFAULT_SCHEDULE[kind]))
    out = []
    for name in sorted(accounts):
        kind, times = accounts[name]
        runs = sorted(
            _local(r[0], tz)
            for r in store.execute(
                "SELECT started FROM sync_runs WHERE account = ? AND status IN ('ok', 'partial')",
                (name,),
            )
            if _local(r[0], tz) is not None
        )
        check = ScheduleCheck(name, kind, list(times))
        begin = since
        if begin is None:
            firsts = [
                d
                for d in (runs[0].date() if runs else None, _local_date(created.get(name, ""), tz))
                if d
            ]
            begin = min(firsts) if firsts else None
        end = min(until, now.date()) if until else now.date()
        period_runs = [r for r in runs if (since is None or r.date() >= since) and r.date() <= end]
        check.syncs = len(period_runs)
        check.last_sync = period_runs[-1].isoformat(timespec="seconds") if period_runs else ""
        if begin is None or begin > end:
            out.append(check)
            continue
        day = begin
        while day <= end:
            if day.weekday() in WORKDAYS:
                counted = False
                for t in times:
                    hh, mm = (int(x) for x in t.split(":"))
                    at = datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz)
                    if at > now:
                        continue
                    counted = True
                    check.slots += 1
                    i = bisect.bisect_left(runs, at - CHECK_BEFORE)
                    if i < len(runs) and runs[i] <= at + CHECK_AFTER:
                        check.met += 1
                    elif len(check.missed) < MAX_MISSED_LISTED:
                        check.missed.append(f"{day.isoformat()} {t}")
                if counted:
                    check.days += 1
                    check.first_day = check.first_day or day.isoformat()
                    check.last_day = day.isoformat()
            day += timedelta(days=1)
        check.percent = round(100.0 * check.met / check.slots, 1) if check.slots else None
        out.append(check)
    return out


def _local(stamp: str | None, tz: tzinfo) -> datetime | None:
    if not stamp:
        return None
    try:
        d = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=tz)
    return d.astimezone(tz)


def _local_date(stamp: str, tz: tzinfo) -> date | None:
    d = _local(stamp, tz)
    return d.date() if d else None


# -- rendering ----------------------------------------------------------------

FORMATS = ("text", "md", "csv", "json")


def _one_line(text: str) -> str:
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(text)).split()
    )


def _sections(rep: UsageReport) -> Iterable[tuple[str, list[str], list[list[Any]]]]:
    """(title, header, rows) of each table of the report."""
    yield (
        "Theo tháng / By month",
        ["Tháng", "Gửi đi", "Nhận", "Tổng"],
        [[m.month, m.sent, m.received, m.total] for m in rep.months],
    )
    yield (
        "Theo loại / By category",
        ["Loại", "Mã", "Gửi đi", "Nhận", "Tổng"],
        [[c.label, c.key, c.sent, c.received, c.total] for c in rep.categories],
    )
    yield (
        "Theo cơ quan / By counterpart agency",
        ["Cơ quan", "Mã", "Gửi đi", "Nhận", "Tổng"],
        [[a.label, a.key, a.sent, a.received, a.total] for a in rep.agencies],
    )
    yield (
        "Tệp đính kèm / Attachments",
        ["Loại tệp", "Số tệp", "MB"],
        [[k.kind, k.count, f"{k.bytes / 1e6:.1f}"] for k in rep.attachment_kinds],
    )
    yield (
        "Liên hệ nhiều nhất / Busiest correspondents",
        [
            "Địa chỉ",
            "Tên",
            "Cơ quan",
            "Gửi tới",
            "Nhận từ",
            "Tổng",
        ],
        [
            [p.email, p.name, p.agency_name or p.agency, p.sent_to, p.received_from, p.total]
            for p in rep.correspondents
        ],
    )
    yield (
        "Kiểm tra hộp thư (Điều 8) / Mailbox checks",
        [
            "Tài khoản",
            "Loại",
            "Giờ",
            "Ngày",
            "Lần",
            "Đúng giờ",
            "%",
            "Lần đồng bộ cuối",
        ],
        [
            [
                s.account,
                s.kind,
                " ".join(s.times),
                s.days,
                s.slots,
                s.met,
                "-" if s.percent is None else f"{s.percent:.1f}",
                s.last_sync or "-",
            ]
            for s in rep.schedule
        ],
    )


def _summary(rep: UsageReport) -> list[str]:
    period = f"{rep.since or '…'} → {rep.until or '…'}"
    lines = [
        f"Báo cáo sử dụng thư điện tử (Điều 18) / E-mail usage report: {period}",
        f"Thư: {rep.messages} (gửi đi {rep.sent}, nhận {rep.received}); "
        f"tệp đính kèm: {rep.attachments} ({rep.attachment_bytes / 1e6:.1f} MB)",
    ]
    if rep.undated:
        lines.append(f"Thư không có ngày / undated messages: {rep.undated}")
    if rep.schedule_percent is not None:
        lines.append(
            f"Kiểm tra hộp thư đúng lịch Điều 8 / checks on schedule: {rep.schedule_percent:.1f} %"
        )
    lines.append(f"Lập lúc / generated {rep.generated}")
    return lines


def _text(rep: UsageReport) -> str:
    out = _summary(rep)
    for title, header, rows in _sections(rep):
        out += ["", title]
        if not rows:
            out.append("  (không có / none)")
            continue
        cells = [[_one_line(c) for c in header]] + [[_one_line(c) for c in r] for r in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        for r in cells:
            out.append(
                "  "
                + "  ".join(
                    c.rjust(w) if c.replace(".", "").isdigit() else c.ljust(w)
                    for c, w in zip(r, widths, strict=True)
                ).rstrip()
            )
    for s in rep.schedule:
        if s.missed:
            shown = ", ".join(s.missed[:10]) + (" …" if len(s.missed) > 10 else "")
            out.append(f"  {_one_line(s.account)}: lỡ / missed {s.slots - s.met}: {shown}")
    return "\n".join(out) + "\n"


def _md_cell(value: Any) -> str:
    text = _one_line(value).replace("\\", "\\\\").replace("|", "\\|")
    for ch in "*_`<>[]":
        text = text.replace(ch, "\\" + ch)
    return text


def _md(rep: UsageReport) -> str:
    lines = _summary(rep)
    out = [f"# {_md_cell(lines[0])}", ""] + [f"- {_md_cell(x)}" for x in lines[1:]]
    for title, header, rows in _sections(rep):
        out += ["", f"## {_md_cell(title)}", ""]
        if not rows:
            out.append("_(không có / none)_")
            continue
        out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
        out.append("|" + "|".join("---" for _ in header) + "|")
        out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, int | float):
        return value
    text = _one_line(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(rep: UsageReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["section", "key", "label", "sent", "received", "total"])
    w.writerow(["summary", "messages", "", rep.sent, rep.received, rep.messages])
    for m in rep.months:
        w.writerow(["month", m.month, m.month, m.sent, m.received, m.total])
    for c in rep.categories:
        w.writerow(["category", c.key, _csv_cell(c.label), c.sent, c.received, c.total])
    for a in rep.agencies:
        w.writerow(["agency", _csv_cell(a.key), _csv_cell(a.label), a.sent, a.received, a.total])
    for k in rep.attachment_kinds:
        w.writerow(["attachment_kind", _csv_cell(k.kind), _csv_cell(k.kind), "", "", k.count])
    for p in rep.correspondents:
        w.writerow(
            [
                "correspondent",
                _csv_cell(p.email),
                _csv_cell(p.name),
                p.sent_to,
                p.received_from,
                p.total,
            ]
        )
    for s in rep.schedule:
        w.writerow(["schedule", _csv_cell(s.account), s.kind, "", "", s.slots])
        w.writerow(["schedule_met", _csv_cell(s.account), s.kind, "", "", s.met])
    return buf.getvalue()


def render_report(rep: UsageReport, fmt: str = "text") -> str:
    """The report as ``text``, ``md`` (Markdown), ``csv`` or ``json``.

    Names and labels from mail are put on one line with control characters
    removed; Markdown cells are escaped; CSV cells that a spreadsheet would
    run as formulas get a leading ``'``.

    Args:
        rep: A report from :func:`build_report`.
        fmt: One of :data:`FORMATS`.

    Returns:
        The rendered report (ends with a newline).

    Raises:
        ValueError: Unknown ``fmt``.
    """
    if fmt == "text":
        return _text(rep)
    if fmt == "md":
        return _md(rep)
    if fmt == "csv":
        return _csv(rep)
    if fmt == "json":
        return json.dumps(rep.to_json(), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"Unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}.")
