"""Interface text in Vietnamese and English.

Every visible word of the TUI comes from :data:`STRINGS` through :class:`I18n`.
Vietnamese is used when the locale says so (``LC_ALL``/``LC_MESSAGES``/``LANG``
start with ``vi``), otherwise the ``language`` setting decides (``auto`` means
English). Strings here are trusted; values formatted into them may not be, so
the result is always rendered as literal text (``render.literal``), never as markup.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

STRINGS: dict[str, tuple[str, str]] = {
    # app and search screen
    "app.title": ("bparchive — lưu trữ thư công vụ", "bparchive — official mail archive"),
    "search.placeholder": (
        "Tìm kiếm: từ khoá, số hiệu, from:, date:2024, category:… (/)",
        "Search: words, reference numbers, from:, date:2024, category:… (/)",
    ),
    "search.hint": (
        'Gõ có dấu hoặc không dấu, Telex/VNI; "cụm từ", -loại_trừ, from: to: so: date: tag: is:secret · F1 trợ giúp',
        'Type with or without accents, Telex/VNI; "phrase", -exclude, from: to: so: date: tag: is:secret · F1 help',
    ),
    "search.understood": ("Đã hiểu là: {query}", "Understood as: {query}"),
    "search.error": ("Lỗi truy vấn: {message}", "Query error: {message}"),
    "search.results": ("{total} kết quả", "{total} results"),
    "search.results_shown": (
        "{total} kết quả, đang hiện {shown}",
        "{total} results, showing {shown}",
    ),
    "search.recent": ("{total} thư, mới nhất trước", "{total} messages, newest first"),
    "search.searching": ("Đang tìm…", "Searching…"),
    "search.empty_archive": (
        "Kho lưu trữ chưa có thư. Thêm tài khoản (a) và đồng bộ (F5), hoặc thử `bparchive demo`.",
        "The archive holds no mail yet. Add an account (a) and sync (F5), or try `bparchive demo`.",
    ),
    "search.relevance_cap": (
        "Sắp theo liên quan hiện tối đa {n} thư; sắp theo ngày (F4) để xem tất cả.",
        "Relevance order shows at most {n}; sort by date (F4) to see them all.",
    ),
    "sort.relevance": ("liên quan", "relevance"),
    "sort.date": ("ngày", "date"),
    "col.mark": ("", ""),
    "col.date": ("Ngày", "Date"),
    "col.from": ("Người gửi", "From"),
    "col.subject": ("Trích yếu", "Subject"),
    "col.category": ("Loại", "Category"),
    "col.ref": ("Số hiệu", "Ref. no."),
    "mark.secret": ("MẬT", "SECRET"),
    "snippet.in": ("trong {source}: ", "in {source}: "),
    # sidebar
    "side.accounts": ("Tài khoản", "Accounts"),
    "side.folders": ("Thư mục", "Folders"),
    "side.categories": ("Loại văn bản", "Categories"),
    "side.tags": ("Nhãn và trạng thái", "Tags and status"),
    "side.saved": ("Tìm kiếm đã lưu", "Saved searches"),
    "side.never": ("chưa đồng bộ", "never synced"),
    "side.error": ("lỗi", "error"),
    "side.local": ("nhập từ tệp", "imported"),
    "side.all": ("Tất cả thư", "All mail"),
    "side.none": ("(trống)", "(none)"),
    "status.new": ("mới", "new"),
    "status.assigned": ("đã giao", "assigned"),
    "status.done": ("đã xử lý", "done"),
    # status bar
    "net.checking": ("đang kiểm tra mạng…", "checking network…"),
    "net.online": ("● trực tuyến", "● online"),
    "net.offline": (
        "○ ngoại tuyến — mọi thứ trừ đồng bộ vẫn dùng được",
        "○ offline — everything but sync works",
    ),
    "net.partial": ("◐ {up}/{total} máy chủ kết nối được", "◐ {up}/{total} servers reachable"),
    "net.local": ("○ chỉ kho cục bộ", "○ local archive only"),
    "bar.messages": ("{n} thư", "{n} messages"),
    "bar.sync": (
        "Đồng bộ {account}/{folder}: {done}{total}",
        "Syncing {account}/{folder}: {done}{total}",
    ),
    "bar.stage": ("{stage}: {done}{total}", "{stage}: {done}{total}"),
    "bar.cancel_hint": (" · Ctrl+X để huỷ", " · Ctrl+X to cancel"),
    # sync
    "sync.started": ("Đang đồng bộ trong nền…", "Syncing in the background…"),
    "sync.running": ("Đồng bộ đang chạy.", "A sync is already running."),
    "sync.cancelling": ("Đang huỷ đồng bộ…", "Cancelling the sync…"),
    "sync.cancelled": ("Đã huỷ đồng bộ.", "Sync cancelled."),
    "sync.done": ("Đồng bộ xong: {new} thư mới.", "Sync finished: {new} new messages."),
    "sync.account_failed": ("{account}: {message}", "{account}: {message}"),
    "sync.folder_failed": ("{account}/{folder}: {message}", "{account}/{folder}: {message}"),
    "sync.failed_title": ("Đồng bộ thất bại", "Sync failed"),
    "kind.auth": ("máy chủ từ chối đăng nhập", "login refused"),
    "kind.password": ("không lấy được mật khẩu", "password unavailable"),
    "kind.certificate": ("chứng chỉ bị từ chối", "certificate refused"),
    "kind.connect": ("không kết nối được máy chủ", "cannot reach the server"),
    "kind.config": ("cấu hình sai", "configuration error"),
    "sync.no_account": (
        "Chưa có tài khoản IMAP để đồng bộ. Thêm một tài khoản bằng phím a.",
        "No IMAP account to sync. Add one with the a key.",
    ),
    # reader
    "reader.from": ("Từ", "From"),
    "reader.to": ("Đến", "To"),
    "reader.cc": ("Đồng gửi", "Cc"),
    "reader.date": ("Ngày", "Date"),
    "reader.subject": ("Trích yếu", "Subject"),
    "reader.filed": ("Phân loại", "Filed as"),
    "reader.tags": ("Nhãn", "Tags"),
    "reader.folders": ("Thư mục", "Folders"),
    "reader.attachments": ("Tệp đính kèm", "Attachments"),
    "reader.no_attachments": ("Không có tệp đính kèm.", "No attachments."),
    "reader.secret": (
        "!!! {level}: văn bản có dấu mật (Luật 29/2018/QH14); không được xuất trừ khi chọn rõ.",
        "!!! {level}: this message carries a secret mark (Luật 29/2018/QH14); excluded from exports unless chosen.",
    ),
    "reader.converted": ("Nội dung đã chuyển từ bảng mã {enc}.", "Body converted from {enc}."),
    "att.col.name": ("Tên tệp", "File name"),
    "att.col.type": ("Kiểu", "Type"),
    "att.col.size": ("Cỡ", "Size"),
    "att.col.state": ("Trích xuất", "Text"),
    "att.col.signed": ("Chữ ký số", "Signed"),
    "att.signed": ("có: {signer}", "yes: {signer}"),
    "att.unsigned": ("không", "no"),
    "att.no_text": (
        "(Không có văn bản trích xuất: {state}{reason})",
        "(No extracted text: {state}{reason})",
    ),
    "att.saved": ("Đã lưu: {path}", "Saved: {path}"),
    "att.opened": ("Đã mở bằng trình xem của hệ thống.", "Opened with the system viewer."),
    "att.no_viewer": (
        "Không có trình xem (xdg-open) trên máy này; hãy lưu tệp (s) rồi mở.",
        "No system viewer (xdg-open) here; save the file (s) and open it.",
    ),
    "att.matches": ("{n} chỗ khớp", "{n} matches"),
    "save.title": ("Lưu tệp đính kèm vào thư mục", "Save the attachment to a folder"),
    "save.folder": ("Thư mục", "Folder"),
    # modals
    "ok": ("Đồng ý", "OK"),
    "cancel": ("Huỷ", "Cancel"),
    "refile.title": ("Chuyển sang loại văn bản", "Refile under category"),
    "refile.done": ("Đã chuyển thư {id} sang: {label}", "Message {id} refiled under: {label}"),
    "tag.title": ("Nhãn và trạng thái", "Tags and status"),
    "tag.add": ("Thêm nhãn (cách nhau bằng dấu phẩy)", "Add tags (comma separated)"),
    "tag.remove": ("Bỏ nhãn (cách nhau bằng dấu phẩy)", "Remove tags (comma separated)"),
    "tag.status": ("Trạng thái", "Status"),
    "tag.keep": ("giữ nguyên", "unchanged"),
    "tag.done": ("Nhãn của thư {id}: {tags}", "Tags of message {id}: {tags}"),
    "export.title": ("Xuất các kết quả hiện tại", "Export the current results"),
    "export.dest": ("Thư mục đích", "Destination folder"),
    "export.format": ("Định dạng", "Format"),
    "export.secret": ("Gồm cả văn bản mật", "Include secret documents"),
    "export.started": ("Đang xuất…", "Exporting…"),
    "export.done": ("Đã xuất {n} thư vào {dest}", "Exported {n} messages to {dest}"),
    "export.nothing": ("Không có kết quả để xuất.", "No results to export."),
    "fmt.maildir": ("Maildir", "Maildir"),
    "fmt.mbox": ("mbox", "mbox"),
    "fmt.eml": ("Các tệp .eml", ".eml files"),
    "fmt.tree": ("Cây thư mục loại/năm/tháng", "Folder tree category/year/month"),
    # report
    "report.title": ("Báo cáo sử dụng", "Usage report"),
    "report.by_month": ("Số thư theo tháng", "Messages per month"),
    "report.by_category": ("Số thư theo loại", "Messages per category"),
    "report.loading": ("Đang tính…", "Computing…"),
    # account form
    "acct.title": ("Thêm tài khoản thư", "Add a mail account"),
    "acct.intro": (
        "Chưa có tài khoản nào. Nhập thông tin hộp thư IMAP; mật khẩu không bao giờ được ghi ra đĩa.",
        "No account yet. Enter your IMAP mailbox; the password is never written to disk.",
    ),
    "acct.name": ("Tên tài khoản", "Account name"),
    "acct.host": ("Máy chủ IMAP", "IMAP server"),
    "acct.port": ("Cổng (để trống: 993 / 143)", "Port (blank: 993 / 143)"),
    "acct.user": ("Tên đăng nhập", "Login"),
    "acct.security": ("Bảo mật", "Security"),
    "acct.cafile": ("Chứng chỉ CA (tuỳ chọn, PEM)", "CA certificate (optional, PEM)"),
    "acct.kind": ("Loại hộp thư", "Mailbox kind"),
    "acct.kind.agency": ("Hộp thư cơ quan", "Agency mailbox"),
    "acct.kind.personal": ("Hộp thư cá nhân", "Personal mailbox"),
    "acct.source": ("Lấy mật khẩu từ", "Password from"),
    "acct.source.env": ("Biến môi trường", "Environment variable"),
    "acct.source.command": ("Lệnh", "Command"),
    "acct.source.keyring": ("Keyring của hệ thống", "System keyring"),
    "acct.source_value": (
        "Tên biến / lệnh / mật khẩu (keyring)",
        "Variable / command / password (keyring)",
    ),
    "acct.include": (
        "Chỉ các thư mục (mẫu, cách nhau dấu phẩy)",
        "Only folders (globs, comma separated)",
    ),
    "acct.exclude": ("Bỏ các thư mục (mẫu)", "Skip folders (globs)"),
    "acct.test": ("Kiểm tra kết nối", "Test connection"),
    "acct.save": ("Lưu", "Save"),
    "acct.skip": ("Để sau", "Later"),
    "acct.testing": ("Đang kết nối…", "Connecting…"),
    "acct.test_ok": ("Kết nối và đăng nhập thành công.", "Connected and logged in."),
    "acct.saved": (
        "Đã thêm tài khoản {name}. Nhấn F5 để đồng bộ.",
        "Account {name} added. Press F5 to sync.",
    ),
    "acct.plain_warning": (
        "Cảnh báo: 'plain' gửi mật khẩu không mã hoá qua mạng.",
        "Warning: 'plain' sends your password unencrypted over the network.",
    ),
    # help
    "help.title": ("Trợ giúp", "Help"),
    # key descriptions (footer)
    "key.quit": ("Thoát", "Quit"),
    "key.search": ("Tìm", "Search"),
    "key.open": ("Mở", "Open"),
    "key.back": ("Quay lại", "Back"),
    "key.sync": ("Đồng bộ", "Sync"),
    "key.cancel_sync": ("Huỷ đồng bộ", "Cancel sync"),
    "key.sort": ("Sắp xếp", "Sort"),
    "key.refile": ("Phân loại", "Refile"),
    "key.tag": ("Nhãn", "Tag"),
    "key.export": ("Xuất", "Export"),
    "key.report": ("Báo cáo", "Report"),
    "key.help": ("Trợ giúp", "Help"),
    "key.sidebar": ("Thanh bên", "Sidebar"),
    "key.account": ("Tài khoản", "Account"),
    "key.save": ("Lưu tệp", "Save file"),
    "key.view": ("Mở tệp", "Open file"),
    "key.text": ("Văn bản tệp", "File text"),
    "key.next": ("Chỗ khớp sau", "Next match"),
    "key.palette": ("Lệnh", "Commands"),
    "cmd.theme": ("Đổi giao diện màu: {name}", "Switch theme: {name}"),
    "cmd.category": ("Xem loại: {label}", "Show category: {label}"),
    "cmd.saved": ("Tìm đã lưu: {name}", "Saved search: {name}"),
    "error.generic": ("Lỗi", "Error"),
}

HELP_TEXT: dict[str, str] = {
    "vi": """\
PHÍM
  /            tìm kiếm (kết quả cập nhật khi gõ)     Enter   mở thư / chọn
  ↑ ↓  j k     di chuyển                             Esc     quay lại
  PgUp PgDn    trang trước / sau                     q       thoát
  F2           hiện / ẩn thanh bên                   F4      sắp theo liên quan / ngày
  F5           đồng bộ ngay (chạy nền)               Ctrl+X  huỷ đồng bộ
  r            chuyển loại văn bản                   t       nhãn và trạng thái
  e            xuất các kết quả hiện tại             F6      báo cáo, biểu đồ
  a            thêm tài khoản                        Ctrl+P  bảng lệnh
  Trong thư: Tab sang danh sách tệp, Enter xem văn bản tệp, s lưu tệp, o mở bằng trình xem.
  Trong văn bản tệp: n chỗ khớp tiếp theo. Chuột dùng được ở mọi nơi.

NGÔN NGỮ TÌM KIẾM
  báo cáo              cả hai từ; gõ có dấu chỉ khớp đúng dấu (hoặc không dấu)
  bao cao              mọi cách viết: báo cáo, bảo cáo, bao cao…
  baos caos / bao1 cao1  Telex / VNI được chuyển ("Đã hiểu là: báo cáo")
  "công văn đến"       cụm từ liền nhau          =bảo vệ  đúng dấu   ~bảo vệ  bỏ qua dấu
  48/2009/QĐ-UBND      số hiệu như in; so:2125 chỉ tìm trong số hiệu đã phân loại
  from: to: cc: subject: body: file: category: type: urgency: folder: account: tag:
  is:unread is:read is:flagged is:secret   has:attachment
  date:2024  date:2024-03  date:05/03/2024  date:2024-01..2024-06  before:2024  after:2024-03
  a OR b   NOT a   -a   ( … )     AND/OR/NOT viết hoa
""",
    "en": """\
KEYS
  /            search (results update as you type)   Enter   open / choose
  ↑ ↓  j k     move                                  Esc     back
  PgUp PgDn    page up / down                        q       quit
  F2           show / hide the sidebar               F4      sort by relevance / date
  F5           sync now (in the background)          Ctrl+X  cancel the sync
  r            refile (category)                     t       tags and status
  e            export the current results            F6      report with charts
  a            add an account                        Ctrl+P  command palette
  In a message: Tab to the attachment list, Enter shows its text, s saves it, o opens it.
  In attachment text: n jumps to the next match. The mouse works everywhere.

QUERY LANGUAGE
  báo cáo              both words; an accented word matches itself or the bare spelling
  bao cao              every spelling: báo cáo, bảo cáo, bao cao…
  baos caos / bao1 cao1  Telex / VNI converted ("Understood as: báo cáo")
  "công văn đến"       adjacent phrase            =bảo vệ  strict   ~bảo vệ  accents ignored
  48/2009/QĐ-UBND      reference numbers as printed; so:2125 searches filed numbers only
  from: to: cc: subject: body: file: category: type: urgency: folder: account: tag:
  is:unread is:read is:flagged is:secret   has:attachment
  date:2024  date:2024-03  date:05/03/2024  date:2024-01..2024-06  before:2024  after:2024-03
  a OR b   NOT a   -a   ( … )     AND/OR/NOT in capitals
""",
}


def detect_language(setting: str = "auto", environ: Mapping[str, str] | None = None) -> str:
    """Choose the interface language.

    Args:
        setting: ``settings.language`` (``auto``, ``vi`` or ``en``).
        environ: The environment to read (default ``os.environ``).

    Returns:
        ``"vi"`` when the locale is Vietnamese, else the setting (``auto`` → ``"en"``).
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            if value.lower().startswith("vi"):
                return "vi"
            break
    return setting if setting in ("vi", "en") else "en"


class I18n:
    """Looks up interface text in one language."""

    def __init__(self, language: str) -> None:
        self.language = "vi" if language == "vi" else "en"
        self._i = 0 if self.language == "vi" else 1

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` with ``values`` formatted in (plain text, never markup)."""
        pair = STRINGS.get(key)
        if pair is None:
            return key
        text = pair[self._i]
        return text.format(**values) if values else text

    @property
    def help_text(self) -> str:
        return HELP_TEXT[self.language]
