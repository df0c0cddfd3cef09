"""Configurations and command lines of the peers bparchive is measured against.

Who calls it and why: :mod:`bench.suite` builds every peer's configuration in a
temporary folder with these helpers, so that each peer reads the same private
Dovecot (127.0.0.1, TLS verified with the test CA) or the same Maildir as
bparchive, and never touches the user's own configuration or mail:

- ``mbsync`` (isync): ``Sync Pull`` into a Maildir, one channel, every folder;
- ``offlineimap`` (offlineimap3): a read-only remote, Maildir on our side;
- ``notmuch new``: ``NOTMUCH_CONFIG`` in the temp folder, the database kept
  apart from the mail (``database.path`` ≠ ``database.mail_root``);
- ``mu index``: ``--muhome`` in the temp folder.

Query translation from bparchive's language to notmuch's and mu's lives here
too (:data:`QUERIES`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImapTarget:
    """Where the peers sync from."""

    host: str
    port: int
    user: str
    password: str
    cafile: Path


def tls_host(host: str) -> str:
    """The name the peers connect to.

    isync 1.4 and offlineimap3 match the certificate against DNS names only, not IP
    addresses: the loopback is named ``localhost``, which the test certificate carries
    next to 127.0.0.1.
    """
    return "localhost" if host == "127.0.0.1" else host


def mbsync_config(tmp: Path, t: ImapTarget) -> tuple[Path, Path]:
    """Write an mbsyncrc pulling every folder into ``tmp/mbsync-mail``.

    Returns:
        ``(config file, Maildir root)``.
    """
    mail = tmp / "mbsync-mail"
    mail.mkdir(parents=True, exist_ok=True)
    rc = tmp / "mbsyncrc"
    host = tls_host(t.host)
    # Sync Pull: read-only toward the server, like bparchive (which only EXAMINEs).
    rc.write_text(
        f"""IMAPAccount bench
Host {host}
Port {t.port}
User {t.user}
Pass {t.password}
SSLType IMAPS
CertificateFile {t.cafile}
PipelineDepth 50

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {mail}/
Inbox {mail}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns *
Create Near
Sync Pull
Expunge None
SyncState *
""",
        encoding="utf-8",
    )
    os.chmod(rc, 0o600)
    return rc, mail


def mbsync_cmd(rc: Path) -> list[str]:
    """``mbsync`` over every channel of ``rc``, quietly."""
    return ["mbsync", "-q", "-c", str(rc), "-a"]


def offlineimap_config(tmp: Path, t: ImapTarget) -> tuple[Path, Path]:
    """Write an offlineimap3 config syncing every folder into ``tmp/offlineimap-mail``.

    Returns:
        ``(config file, Maildir root)``.
    """
    mail = tmp / "offlineimap-mail"
    meta = tmp / "offlineimap-meta"
    mail.mkdir(parents=True, exist_ok=True)
    meta.mkdir(parents=True, exist_ok=True)
    conf = tmp / "offlineimaprc"
    conf.write_text(
        f"""[general]
accounts = bench
metadata = {meta}

fsync = false

[Account bench]
localrepository = bench-local
remoterepository = bench-remote
utf8foldernames = yes

[Repository bench-local]
type = Maildir
localfolders = {mail}

[Repository bench-remote]
type = IMAP
remotehost = {tls_host(t.host)}
remoteport = {t.port}
remoteuser = {t.user}
remotepass = {t.password}
ssl = yes
sslcacertfile = {t.cafile}
readonly = True
""",
        encoding="utf-8",
    )
    os.chmod(conf, 0o600)
    return conf, mail


def offlineimap_cmd(conf: Path) -> list[str]:
    """One pass of offlineimap over ``conf``."""
    return ["offlineimap", "-c", str(conf), "-o", "-u", "basic"]


def notmuch_config(tmp: Path, maildir: Path) -> tuple[Path, Path]:
    """Write a notmuch config whose database lives apart from ``maildir``.

    Returns:
        ``(config file, database folder)``.
    """
    db = tmp / "notmuch-db"
    db.mkdir(parents=True, exist_ok=True)
    conf = tmp / "notmuch-config"
    conf.write_text(
        f"""[database]
path={db}
mail_root={maildir}

[user]
name=Bench
primary_email=bench@example.invalid

[new]
tags=inbox;
ignore=

[search]
exclude_tags=

[maildir]
synchronize_flags=false
""",
        encoding="utf-8",
    )
    return conf, db


def notmuch_env(conf: Path) -> dict[str, str]:
    """Environment with ``NOTMUCH_CONFIG`` pointing at ``conf``."""
    return {**os.environ, "NOTMUCH_CONFIG": str(conf), "NOTMUCH_PROFILE": ""}


def mu_home(tmp: Path) -> Path:
    """The ``--muhome`` folder."""
    home = tmp / "mu-home"
    home.mkdir(parents=True, exist_ok=True)
    return home


@dataclass(frozen=True)
class Query:
    """One typical query in the three languages.

    Attributes:
        bparchive: bparchive's query language.
        notmuch: the nearest notmuch query.
        mu: the nearest mu query.
        kind: word, unaccented, phrase, ref, field, date, mixed.
        compare: compare result sets with notmuch (from:/subject:/date: queries).
    """

    bparchive: str
    notmuch: str
    mu: str
    kind: str
    compare: bool = False


def _q(
    b: str, n: str | None = None, m: str | None = None, kind: str = "word", compare: bool = False
) -> Query:
    return Query(b, n if n is not None else b, m if m is not None else b, kind, compare)


#: ~30 typical queries over the generated agency mailbox. Dates: notmuch and
#: mu take explicit ranges, bparchive its shorthand; the three read them in
#: their own way (see docs/benchmarks.md on time zones).
QUERIES: tuple[Query, ...] = (
    _q("báo cáo"),
    _q("bao cao", kind="unaccented"),
    _q("thư điện tử"),
    _q("thu dien tu", kind="unaccented"),
    _q("an toàn thực phẩm"),
    _q("chuyển đổi số"),
    _q("chuyen doi so", kind="unaccented"),
    _q("ủy ban nhân dân"),
    _q("uỷ ban nhân dân", kind="word (old tone)"),
    _q("Bình Phước"),
    _q("khen thưởng thi đua"),
    _q("phòng cháy chữa cháy"),
    _q("biên chế"),
    _q('"giao ban tháng"', kind="phrase"),
    _q('"chính quyền điện tử"', kind="phrase"),
    _q('"xếp loại cán bộ"', kind="phrase"),
    _q("24/GM-STTTT", '"24/GM-STTTT"', "24 GM STTTT", kind="ref"),
    _q("23/BB-SLĐTBXH", '"23/BB-SLĐTBXH"', "23 BB SLĐTBXH", kind="ref"),
    _q("19/QĐ-SYT", '"19/QĐ-SYT"', "19 QĐ SYT", kind="ref"),
    _q("from:syt@binhphuoc.gov.vn", kind="field", compare=True),
    _q("from:snv@binhphuoc.gov.vn", kind="field", compare=True),
    _q("from:ubnd@binhphuoc.gov.vn", kind="field", compare=True),
    _q('subject:"giấy mời"', 'subject:"giấy mời"', 'subject:"giấy mời"', "field", True),
    _q("subject:quyết", "subject:quyết", "subject:quyết", "field", True),
    _q('subject:"kế hoạch"', 'subject:"kế hoạch"', 'subject:"kế hoạch"', "field", True),
    _q("date:2022", "date:2022-01-01..2022-12-31", "date:20220101..20221231", "date", True),
    _q("date:2021-03", "date:2021-03-01..2021-03-31", "date:20210301..20210331", "date", True),
    _q(
        "date:2015-01-01..2015-06-30",
        "date:2015-01-01..2015-06-30",
        "date:20150101..20150630",
        "date",
        True,
    ),
    _q(
        "báo cáo date:2023",
        "báo cáo date:2023-01-01..2023-12-31",
        "báo cáo date:20230101..20231231",
        "mixed",
    ),
    _q(
        'from:sotttt@binhphuoc.gov.vn subject:"thông báo"',
        'from:sotttt@binhphuoc.gov.vn subject:"thông báo"',
        'from:sotttt@binhphuoc.gov.vn subject:"thông báo"',
        "mixed",
    ),
)
