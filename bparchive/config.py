"""The TOML configuration: accounts, schedule, limits, filing rules.

Read with ``tomllib``; written with ``tomlkit`` so a person's comments and
layout survive ``account add``/``remove``. Every problem is reported with the
file, the key and what is expected; unknown keys are rejected (a typo must not
silently turn a setting off).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bparchive.errors import ConfigError
from bparchive.paths import FILE_MODE, Paths

SECURITY = ("tls", "starttls", "plain")
KINDS = ("agency", "personal", "local")
DEFAULT_SCHEDULE = {
    # Điều 8: the clerk checks the agency box six times a day; staff at least
    # twice, before 9:00 and before 15:00.
    "agency": ("07:00", "09:00", "11:00", "13:30", "15:00", "16:30"),
    "personal": ("08:45", "14:45"),
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NAME = re.compile(r"^[\w][\w.@+-]{0,63}$")


@dataclass(frozen=True)
class Account:
    """One mailbox to archive (``kind == "local"`` for import-only accounts)."""

    name: str
    host: str = ""
    port: int = 993
    user: str = ""
    security: str = "tls"
    cafile: str = ""
    kind: str = "personal"
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    password_env: str = ""
    password_command: str = ""
    keyring: bool = False
    schedule: tuple[str, ...] = ()
    timeout: float = 60.0

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def effective_schedule(self, settings: Settings) -> tuple[str, ...]:
        if self.schedule:
            return self.schedule
        return settings.schedule.get(self.kind, DEFAULT_SCHEDULE["personal"])


@dataclass(frozen=True)
class Limits:
    """Limits on what ingest reads from one message (all configurable)."""

    attachment_max_mb: int = 64
    pdf_max_pages: int = 300
    text_max_chars: int = 2_000_000
    nesting_max_depth: int = 20
    parts_max: int = 1000
    seconds_per_attachment: float = 60.0
    memory_mb: int = 1024


@dataclass(frozen=True)
class Settings:
    """Everything in the config file."""

    accounts: tuple[Account, ...] = ()
    language: str = "auto"
    theme: str = "textual-dark"
    telex: str = "auto"
    index_secret_attachments: bool = False
    batch_size: int = 0
    workers: int = 0
    schedule: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_SCHEDULE)
    )
    limits: Limits = field(default_factory=Limits)
    rules: tuple[dict[str, Any], ...] = ()
    saved_searches: tuple[dict[str, str], ...] = ()

    def account(self, name: str) -> Account:
        for a in self.accounts:
            if a.name == name:
                return a
        from bparchive.errors import NotFoundError

        known = ", ".join(a.name for a in self.accounts) or "none yet"
        raise NotFoundError(f"No account named {name!r} (accounts: {known}).")


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def bad(self, key: str, expected: str, got: Any = None) -> None:
        got_s = "" if got is None else f", got {got!r}"
        self.problems.append(f"{self.path}: {key}: expected {expected}{got_s}")

    def table(self, data: Any, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.bad(key, "a table")
            return {}
        for k in data:
            if k not in allowed:
                self.bad(
                    f"{key}.{k}" if key else k,
                    f"one of the known keys ({', '.join(sorted(allowed))})",
                    None,
                )
        return data

    def str_(self, d: dict[str, Any], key: str, where: str, default: str = "") -> str:
        v = d.get(key, default)
        if not isinstance(v, str):
            self.bad(f"{where}.{key}", "a string", v)
            return default
        return v

    def bool_(self, d: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
        v = d.get(key, default)
        if not isinstance(v, bool):
            self.bad(f"{where}.{key}", "true or false", v)
            return default
        return v

    def int_(self, d: dict[str, Any], key: str, where: str, default: int, lo: int, hi: int) -> int:
        v = d.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.bad(f"{where}.{key}", f"a whole number from {lo} to {hi}", v)
            return default
        return v

    def num(self, d: dict[str, Any], key: str, where: str, default: float, lo: float, hi: float) -> float:
        v = d.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            self.bad(f"{where}.{key}", f"a number from {lo} to {hi}", v)
            return default
        return float(v)

    def strs(self, d: dict[str, Any], key: str, where: str, default: tuple[str, ...]) -> tuple[str, ...]:
        v = d.get(key, list(default))
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.bad(f"{where}.{key}", "a list of strings", v)
            return default
        return tuple(v)

    def times(self, d: dict[str, Any], key: str, where: str, default: tuple[str, ...]) -> tuple[str, ...]:
        v = self.strs(d, key, where, default)
        for t in v:
            if not _TIME.match(t):
                self.bad(f"{where}.{key}", "times written HH:MM (24-hour)", t)
                return default
        return tuple(sorted(v))


_ACCOUNT_KEYS = {
    "host", "port", "user", "security", "cafile", "kind", "include", "exclude",
    "password_env", "password_command", "keyring", "schedule", "timeout",
}
_TOP_KEYS = {"settings", "schedule", "limits", "accounts", "rules", "saved_searches"}
_SETTINGS_KEYS = {"language", "theme", "telex", "index_secret_attachments", "batch_size", "workers"}
_LIMIT_KEYS = set(Limits.__dataclass_fields__)


def parse(data: dict[str, Any], path: Path) -> Settings:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    c = _Checker(path)
    c.table(data, "", _TOP_KEYS)
    s = c.table(data.get("settings", {}), "settings", _SETTINGS_KEYS)
    language = c.str_(s, "language", "settings", "auto")
    if language not in ("auto", "vi", "en"):
        c.bad("settings.language", '"auto", "vi" or "en"', language)
    telex = c.str_(s, "telex", "settings", "auto")
    if telex not in ("auto", "on", "off"):
        c.bad("settings.telex", '"auto", "on" or "off"', telex)

    sch_t = c.table(data.get("schedule", {}), "schedule", {"agency", "personal"})
    schedule = {
        kind: c.times(sch_t, kind, "schedule", DEFAULT_SCHEDULE[kind]) for kind in DEFAULT_SCHEDULE
    }

    lim_t = c.table(data.get("limits", {}), "limits", _LIMIT_KEYS)
    lim_defaults = Limits()
    limits = Limits(
        attachment_max_mb=c.int_(lim_t, "attachment_max_mb", "limits", lim_defaults.attachment_max_mb, 1, 4096),
        pdf_max_pages=c.int_(lim_t, "pdf_max_pages", "limits", lim_defaults.pdf_max_pages, 1, 100_000),
        text_max_chars=c.int_(lim_t, "text_max_chars", "limits", lim_defaults.text_max_chars, 1000, 1_000_000_000),
        nesting_max_depth=c.int_(lim_t, "nesting_max_depth", "limits", lim_defaults.nesting_max_depth, 1, 200),
        parts_max=c.int_(lim_t, "parts_max", "limits", lim_defaults.parts_max, 1, 1_000_000),
        seconds_per_attachment=c.num(lim_t, "seconds_per_attachment", "limits", lim_defaults.seconds_per_attachment, 1, 3600),
        memory_mb=c.int_(lim_t, "memory_mb", "limits", lim_defaults.memory_mb, 64, 65536),
    )

    accounts: list[Account] = []
    acc_t = data.get("accounts", {})
    if not isinstance(acc_t, dict):
        c.bad("accounts", "a table of [accounts.NAME] tables")
        acc_t = {}
    for name, raw in acc_t.items():
        where = f"accounts.{name}"
        if not _NAME.match(name):
            c.bad(where, "an account name of letters, digits, '.', '@', '+', '-' or '_'", name)
        a = c.table(raw, where, _ACCOUNT_KEYS)
        kind = c.str_(a, "kind", where, "personal")
        if kind not in KINDS:
            c.bad(f"{where}.kind", '"agency", "personal" or "local"', kind)
        security = c.str_(a, "security", where, "tls")
        if security not in SECURITY:
            c.bad(f"{where}.security", '"tls", "starttls" or "plain"', security)
        host = c.str_(a, "host", where)
        user = c.str_(a, "user", where)
        if kind != "local":
            if not host:
                c.bad(f"{where}.host", "the IMAP server's host name")
            if not user:
                c.bad(f"{where}.user", "the login name")
        cafile = c.str_(a, "cafile", where)
        if cafile and not Path(cafile).expanduser().is_file():
            c.bad(f"{where}.cafile", "a readable CA certificate file (PEM)", cafile)
        acc = Account(
            name=name,
            host=host,
            port=c.int_(a, "port", where, 993 if security == "tls" else 143, 1, 65535),
            user=user,
            security=security,
            cafile=cafile,
            kind=kind,
            include=c.strs(a, "include", where, ("*",)),
            exclude=c.strs(a, "exclude", where, ()),
            password_env=c.str_(a, "password_env", where),
            password_command=c.str_(a, "password_command", where),
            keyring=c.bool_(a, "keyring", where),
            schedule=c.times(a, "schedule", where, ()),
            timeout=c.num(a, "timeout", where, 60.0, 1, 3600),
        )
        sources = sum(bool(x) for x in (acc.password_env, acc.password_command, acc.keyring))
        if kind != "local" and sources > 1:
            c.bad(where, "only one of password_env, password_command, keyring")
        accounts.append(acc)

    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        c.bad("rules", "a list of [[rules]] tables")
        rules = []
    saved = data.get("saved_searches", [])
    if not isinstance(saved, list) or not all(
        isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("query"), str)
        for r in saved
    ):
        c.bad("saved_searches", 'a list of tables with "name" and "query" strings')
        saved = []

    if c.problems:
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(c.problems))
    return Settings(
        accounts=tuple(accounts),
        language=language,
        theme=c.str_(s, "theme", "settings", "textual-dark"),
        telex=telex,
        index_secret_attachments=c.bool_(s, "index_secret_attachments", "settings"),
        batch_size=c.int_(s, "batch_size", "settings", 0, 0, 100_000),
        workers=c.int_(s, "workers", "settings", 0, 0, 64),
        schedule=schedule,
        limits=limits,
        rules=tuple(rules),
        saved_searches=tuple(saved),
    )


def load(paths: Paths) -> Settings:
    """Read and validate the config file; an absent file is an empty config."""
    path = paths.config_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the configuration: {e}") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    return parse(data, path)


def _write(paths: Paths, doc: Any) -> None:
    import tomlkit

    paths.ensure()
    path = paths.config_file
    tmp = path.with_suffix(".toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(tomlkit.dumps(doc))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    os.chmod(path, FILE_MODE)


def _document(paths: Paths) -> Any:
    import tomlkit

    try:
        return tomlkit.parse(paths.config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        doc = tomlkit.document()
        doc.add(tomlkit.comment("bparchive configuration. Passwords are never stored here."))
        return doc


def account_to_table(acc: Account) -> dict[str, Any]:
    """The TOML keys for an account (defaults left out)."""
    out: dict[str, Any] = {}
    default = Account(name=acc.name)
    for key in _ACCOUNT_KEYS:
        v = getattr(acc, key)
        if key == "port" or v != getattr(default, key):
            out[key] = list(v) if isinstance(v, tuple) else v
    return out


def add_account(paths: Paths, acc: Account, *, replace_existing: bool = False) -> None:
    """Add an account to the config file (validated before writing)."""
    import tomlkit

    doc = _document(paths)
    accounts = doc.get("accounts")
    if accounts is None:
        accounts = tomlkit.table(is_super_table=True)
        doc["accounts"] = accounts
    if acc.name in accounts and not replace_existing:
        raise ConfigError(f"An account named {acc.name!r} exists already.")
    accounts[acc.name] = account_to_table(acc)
    parse(tomllib.loads(tomlkit.dumps(doc)), paths.config_file)
    _write(paths, doc)


def remove_account(paths: Paths, name: str) -> None:
    """Remove an account from the config (its archived mail stays in the store)."""
    doc = _document(paths)
    accounts = doc.get("accounts")
    if accounts is None or name not in accounts:
        from bparchive.errors import NotFoundError

        raise NotFoundError(f"No account named {name!r}.")
    del accounts[name]
    _write(paths, doc)


def with_account(settings: Settings, acc: Account) -> Settings:
    """A copy of ``settings`` with ``acc`` added or replaced (not written)."""
    others = tuple(a for a in settings.accounts if a.name != acc.name)
    return replace(settings, accounts=(*others, acc))
