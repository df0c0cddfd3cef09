"""Language choice, the demo builder and the ``bparchive demo`` command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bparchive.tui.i18n import STRINGS, I18n, detect_language


def test_locale_decides_then_the_setting():
    assert detect_language("en", {"LANG": "vi_VN.UTF-8"}) == "vi"
    assert detect_language("auto", {"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}) == "vi"
    assert detect_language("vi", {"LANG": "en_US.UTF-8"}) == "vi"
    assert detect_language("auto", {"LANG": "C.UTF-8"}) == "en"
    assert detect_language("auto", {}) == "en"


def test_every_string_has_both_languages_and_formats_safely():
    for key, (vi, en) in STRINGS.items():
        if key != "col.mark":  # the marks column has no heading
            assert vi and en, key
    t = I18n("vi")
    assert t("search.understood", query="[bold]x{y}") == "Đã hiểu là: [bold]x{y}"


def test_build_demo_refuses_a_non_empty_home(tmp_path):
    from bparchive.services.demo import DemoError, build_demo

    (tmp_path / "something").write_text("x")
    with pytest.raises(DemoError, match="not an empty folder"):
        build_demo(tmp_path)


def test_demo_command_builds_without_the_tui(demo_master, tmp_path):
    from bparchive.cli import main
    from bparchive.cli_tui import register

    if "demo" not in main.commands:
        register(main)
    home = tmp_path / "demo-home"
    result = CliRunner().invoke(main, ["demo", "--home", str(home), "--no-tui"])
    assert result.exit_code == 0, result.output
    assert "294 messages" in result.output
    assert (home / "archive.sqlite3").is_file()
    again = CliRunner().invoke(main, ["demo", "--home", str(home), "--no-tui"])
    assert again.exit_code != 0
    assert "not an empty folder" in again.output
