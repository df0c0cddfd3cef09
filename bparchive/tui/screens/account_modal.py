"""Add an IMAP account, with a connection test (``ModalScreen[Account | None]``).

Shown at first run (no account, empty archive) and on ``a``. The choices are
those of ``bparchive account add``; the password comes from an environment
variable, a command or the system keyring and is never written to disk
(with the keyring, the typed password is stored there on Save).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from bparchive.errors import BPArchiveError, ConfigError
from bparchive.tui import render
from bparchive.tui.i18n import I18n


class AccountModal(ModalScreen[Any]):
    """The account form."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, i18n: I18n) -> None:
        super().__init__()
        self.i18n = i18n
        self.test_result: str | None = None

    def compose(self) -> ComposeResult:
        t = self.i18n
        with VerticalScroll(classes="modal-box", id="account-box"):
            yield Static(
                render.literal(t("acct.title"), "bold"), classes="modal-title", markup=False
            )
            yield Static(render.literal(t("acct.intro"), "italic"), markup=False)
            yield Label(render.literal(t("acct.name")))
            yield Input(value="work", id="name")
            yield Label(render.literal(t("acct.host")))
            yield Input(placeholder="mail.example.gov.vn", id="host")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(render.literal(t("acct.security")))
                    yield Select(
                        [
                            ("TLS (993)", "tls"),
                            ("STARTTLS (143)", "starttls"),
                            ("plain (143)", "plain"),
                        ],
                        value="tls",
                        allow_blank=False,
                        id="security",
                    )
                with Vertical():
                    yield Label(render.literal(t("acct.port")))
                    yield Input(id="port", restrict=r"[0-9]*")
            yield Label(render.literal(t("acct.user")))
            yield Input(id="user")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(render.literal(t("acct.kind")))
                    yield Select(
                        [(t("acct.kind.agency"), "agency"), (t("acct.kind.personal"), "personal")],
                        value="personal",
                        allow_blank=False,
                        id="kind",
                    )
                with Vertical():
                    yield Label(render.literal(t("acct.source")))
                    yield Select(
                        [
                            (t("acct.source.env"), "env"),
                            (t("acct.source.command"), "command"),
                            (t("acct.source.keyring"), "keyring"),
                        ],
                        value="env",
                        allow_blank=False,
                        id="source",
                    )
            yield Label(render.literal(t("acct.source_value")))
            yield Input(id="source-value")
            yield Label(render.literal(t("acct.cafile")))
            yield Input(id="cafile")
            yield Label(render.literal(t("acct.include")))
            yield Input(value="*", id="include")
            yield Label(render.literal(t("acct.exclude")))
            yield Input(id="exclude")
            yield Static("", id="test-result", markup=False)
            with Horizontal(classes="modal-buttons"):
                yield Button(render.literal(t("acct.test")), id="test")
                yield Button(render.literal(t("acct.save")), variant="primary", id="save")
                yield Button(render.literal(t("acct.skip")), id="skip")

    def on_mount(self) -> None:
        self.query_one("#host", Input).focus()

    def _value(self, wid: str) -> str:
        return self.query_one(f"#{wid}", Input).value.strip()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "source":
            self.query_one("#source-value", Input).password = event.value == "keyring"
        if event.select.id == "security" and event.value == "plain":
            self.notify(self.i18n("acct.plain_warning"), severity="warning", markup=False)

    def account(self) -> Any:
        """The account the form describes (raises ConfigError when incomplete)."""
        from bparchive.config import Account

        name, host, user = self._value("name"), self._value("host"), self._value("user")
        security = str(self.query_one("#security", Select).value)
        source = str(self.query_one("#source", Select).value)
        value = self._value("source-value")
        if not name or not host or not user:
            raise ConfigError(
                self.i18n("acct.name")
                + ", "
                + self.i18n("acct.host")
                + ", "
                + self.i18n("acct.user")
                + ": ?"
            )
        if source != "keyring" and not value:
            raise ConfigError(self.i18n("acct.source_value") + ": ?")
        port_text = self._value("port")
        port = int(port_text) if port_text else (993 if security == "tls" else 143)
        cafile = self._value("cafile")
        split = lambda s: tuple(x.strip() for x in s.split(",") if x.strip())  # noqa: E731
        return Account(
            name=name,
            host=host,
            port=port,
            user=user,
            security=security,
            cafile=str(Path(cafile).expanduser().absolute()) if cafile else "",
            kind=str(self.query_one("#kind", Select).value),
            include=split(self._value("include")) or ("*",),
            exclude=split(self._value("exclude")),
            password_env=value if source == "env" else "",
            password_command=value if source == "command" else "",
            keyring=source == "keyring",
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "skip":
            self.dismiss(None)
            return
        try:
            acc = self.account()
        except (BPArchiveError, ValueError) as e:
            self.app.show_error(e)  # type: ignore[attr-defined]
            return
        password = self._value("source-value") if acc.keyring else None
        if event.button.id == "test":
            self.query_one("#test-result", Static).update(
                render.literal(self.i18n("acct.testing"), "italic")
            )
            self.test_connection(acc, password)
        elif event.button.id == "save":
            self.save(acc, password)

    @work(thread=True, exclusive=True, group="account-test", exit_on_error=False)
    def test_connection(self, acc: Any, password: str | None) -> None:
        try:
            self.app.archive.test_connection(acc, password)  # type: ignore[attr-defined]
        except BPArchiveError as e:
            self.app.call_from_thread(self._tested, False, f"{e.title}: {e}")
            return
        self.app.call_from_thread(self._tested, True, self.i18n("acct.test_ok"))

    def _tested(self, ok: bool, text: str) -> None:
        self.test_result = text
        self.query_one("#test-result", Static).update(
            render.literal(text, "bold green" if ok else "bold red")
        )
        if not ok:
            self.notify(render.safe(text), severity="error", markup=False, timeout=10)

    def save(self, acc: Any, password: str | None) -> None:
        app: Any = self.app
        try:
            if acc.keyring and password:
                from bparchive import secrets

                secrets.store_in_keyring(acc, password)
            app.archive.add_account(acc)
        except BPArchiveError as e:
            app.show_error(e)
            return
        self.dismiss(acc)

    def action_cancel(self) -> None:
        self.dismiss(None)
