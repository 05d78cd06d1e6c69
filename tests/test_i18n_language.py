"""The language follows the desktop (gettext's variables, then the OS's setting), a config key
overrides it, and the process's one choice is what `_` and argparse translate with."""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import pytest
from daemon_run import run_cli

from deskbreak import i18n
from deskbreak.adapters import locale as desktop_locale
from deskbreak.adapters.locale import configured, macos, posix, windows
from deskbreak.cli import language as cli_language

ROOT = Path(__file__).resolve().parent.parent


def write_catalog(folder: Path, language: str, texts: dict[str, str]) -> Path:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale=language, domain=i18n.DOMAIN, fuzzy=False)
    for msgid, msgstr in texts.items():
        catalog.add(msgid, msgstr)
    mo = folder / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as file:
        write_mo(file, catalog)
    return folder


@pytest.fixture
def own_catalogs(tmp_path, monkeypatch):
    """A locale folder with German and Brazilian Portuguese for one text; the process's language
    restored after the test."""
    write_catalog(tmp_path, "de", {"Stretch now": "Jetzt dehnen"})
    write_catalog(tmp_path, "pt_BR", {"Stretch now": "Alongar agora"})
    write_catalog(tmp_path, "zh_CN", {"Stretch now": "现在拉伸"})
    monkeypatch.setenv(i18n.LOCALE_DIR_VARIABLE, str(tmp_path))
    before = i18n._Chosen.translations
    yield tmp_path
    i18n._Chosen.translations = before


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANGUAGE": "de:fr", "LC_ALL": "it_IT.UTF-8", "LANG": "es_ES"}, ("de", "fr")),
        ({"LC_ALL": "it_IT.UTF-8", "LC_MESSAGES": "fr_FR", "LANG": "es_ES"}, ("it_IT.UTF-8",)),
        ({"LC_MESSAGES": "fr_FR", "LANG": "es_ES"}, ("fr_FR",)),
        ({"LANG": "es_ES.UTF-8"}, ("es_ES.UTF-8",)),
        ({"LANGUAGE": "", "LANG": "pl_PL"}, ("pl_PL",)),
        ({}, ()),
    ],
)
def test_the_environment_names_the_language_in_gettexts_order(environ, expected):
    assert i18n.environment_languages(environ) == expected


@pytest.mark.parametrize(
    ("code", "catalog"),
    [
        ("de_DE.UTF-8", "de_DE"),
        ("de", "de"),
        ("pt_BR.UTF-8", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt_PT", "pt_BR"),
        ("pt-BR", "pt_BR"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_SG", "zh_CN"),
        ("zh_TW", None),
        ("zh-Hant", None),
        ("zh_HK.UTF-8", None),
        ("C", "en"),
        ("POSIX", "en"),
        ("C.UTF-8", "en"),
        ("en_GB", "en"),
        ("sr_RS@latin", "sr_RS"),
        ("", None),
    ],
)
def test_a_desktop_code_finds_its_catalog(code, catalog):
    assert i18n.catalog_language(code) == catalog


def test_english_ends_the_search_and_traditional_chinese_is_skipped():
    assert i18n.catalog_languages(["zh_TW", "ja_JP", "en_US", "de"]) == ("ja_JP",)
    assert i18n.catalog_languages(["C"]) == ()
    assert i18n.catalog_languages(["pt", "pt_BR"]) == ("pt_BR",)


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["de_DE.UTF-8"], "Jetzt dehnen"),
        (["de_AT"], "Jetzt dehnen"),
        (["pt"], "Alongar agora"),
        (["zh_CN.UTF-8"], "现在拉伸"),
        (["zh_TW", "de"], "Jetzt dehnen"),
        (["C"], "Stretch now"),
        (["en_US", "de"], "Stretch now"),
        (["sv_SE"], "Stretch now"),
    ],
)
def test_use_language_translates_every_later_text(own_catalogs, languages, expected):
    i18n.use_language(languages)
    assert i18n._("Stretch now") == expected


def test_without_a_choice_the_environment_decides(own_catalogs, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "pt_BR")
    i18n._Chosen.translations = None
    assert i18n._("Stretch now") == "Alongar agora"
    assert i18n.current_language() == "pt_BR"


def test_the_desktop_is_asked_only_when_the_environment_says_nothing():
    asked = []

    def system():
        asked.append(True)
        return ("de-DE",)

    assert desktop_locale.desktop_languages({"LANG": "fr_FR"}, system) == ("fr_FR",)
    assert asked == []
    assert desktop_locale.desktop_languages({}, system) == ("de-DE",)


def test_an_unreadable_system_setting_means_english():
    def broken():
        raise OSError("defaults: not found")

    assert desktop_locale.desktop_languages({}, broken) == ("en",)
    assert desktop_locale.desktop_languages({}, lambda: ()) == ("en",)


def test_the_setting_overrides_the_desktop_and_auto_follows_it():
    assert desktop_locale.choose_languages("ja", {"LANG": "de_DE"}) == ("ja",)
    assert desktop_locale.choose_languages("auto", {"LANG": "de_DE"}) == ("de_DE",)


def test_each_platform_has_its_backend():
    assert desktop_locale.system_languages("win32") is windows.user_languages
    assert desktop_locale.system_languages("darwin") is macos.user_languages
    assert desktop_locale.system_languages("linux") is posix.user_languages


def test_posix_reads_the_systems_default_locale(tmp_path):
    conf = tmp_path / "locale.conf"
    conf.write_text('# set by localectl\nLANG="de_DE.UTF-8"\nLC_TIME=en_GB.UTF-8\n', "utf-8")
    assert posix.user_languages([tmp_path / "missing", conf]) == ("de_DE.UTF-8",)
    assert posix.user_languages([tmp_path / "missing"]) == ()


class FakeKernel32:
    def __init__(self, langid: int, locale_name: str) -> None:
        self.langid, self.locale_name = langid, locale_name

    def GetUserDefaultUILanguage(self) -> int:
        return self.langid

    def GetUserDefaultLocaleName(self, buffer, size) -> int:
        if not self.locale_name:
            return 0
        buffer.value = self.locale_name
        return len(self.locale_name) + 1


def test_windows_gives_the_display_language_then_the_regional_format():
    assert windows.user_languages(FakeKernel32(0x0407, "de-AT")) == ("de_DE", "de-AT")
    assert windows.user_languages(FakeKernel32(0x0416, "pt-BR")) == ("pt_BR", "pt-BR")
    assert windows.user_languages(FakeKernel32(0x0000, "ja-JP")) == ("ja-JP",)


def test_macos_reads_apple_languages():
    printed = '(\n    "zh-Hans-CN",\n    "en-US",\n    fr\n)\n'
    assert macos.user_languages(lambda command: printed) == ("zh-Hans-CN", "en-US", "fr")
    assert i18n.catalog_languages(macos.parse_apple_languages(printed)) == ("zh_CN",)


def test_macos_without_the_setting_is_an_os_error():
    def fails(command):
        raise subprocess.CalledProcessError(1, command)

    with pytest.raises(OSError):
        macos.user_languages(fails)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[interface]\nlanguage = "ja"\n', "ja"),
        ('[interface]\nlanguage = "klingon"\n', "auto"),
        ("[interface]\nlanguage = 3\n", "auto"),
        ("interface = 1\n", "auto"),
        ("not toml [", "auto"),
        ("[schedule]\nmon = " + "[" * 3000 + "]" * 3000 + "\n", "auto"),
        ("", "auto"),
    ],
)
def test_the_command_reads_only_the_language_key(tmp_path, text, expected):
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    assert configured.configured_language(path) == expected
    assert configured.configured_language(tmp_path / "missing.toml") == "auto"


def test_the_command_finds_a_config_named_on_its_line():
    assert configured.config_path_in(["run", "--config", "a.toml"]) == Path("a.toml")
    assert configured.config_path_in(["stats", "--config=b.toml"]) == Path("b.toml")
    assert configured.config_path_in(["stretches"]) is None


def test_argparse_texts_follow_our_catalog(own_catalogs, monkeypatch):
    write_catalog(own_catalogs, "de", {"usage: ": "Aufruf: "})
    monkeypatch.setattr(argparse, "_", argparse._)
    monkeypatch.setattr(argparse, "ngettext", argparse.ngettext)
    i18n.use_language(["de"])
    cli_language.route_argparse_texts()
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("Aufruf: x")


@pytest.mark.parametrize(
    ("config", "desktop", "expected"),
    [
        ('[interface]\nlanguage = "de"\n', "fr", "Aufruf: deskbreak"),
        ('[interface]\nlanguage = "auto"\n', "de", "Aufruf: deskbreak"),
        ('[interface]\nlanguage = "en"\n', "de", "usage: deskbreak"),
        (None, "de", "Aufruf: deskbreak"),
    ],
)
def test_the_command_speaks_the_configured_language(tmp_path, config, desktop, expected):
    write_catalog(tmp_path / "locale", "de", {"usage: ": "Aufruf: "})
    write_catalog(tmp_path / "locale", "fr", {"usage: ": "utilisation : "})
    path = tmp_path / "config.toml"
    if config is not None:
        path.write_text(config, "utf-8")
    env = {
        **os.environ,
        "DESKBREAK_CONFIG": str(path),
        i18n.LOCALE_DIR_VARIABLE: str(tmp_path / "locale"),
        "LANGUAGE": desktop,
    }
    done = run_cli(env, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(expected)


def test_a_reload_that_changes_the_language_switches_the_daemon(own_catalogs, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deskbreak.adapters.fakes import FakeClock, FakeNotifier
    from deskbreak.adapters.tray.headless import HeadlessTray
    from deskbreak.assets import builtin_catalog
    from deskbreak.daemon.service import Daemon, Ports
    from deskbreak.store import config_file

    path = tmp_path / "config.toml"
    path.write_text('[interface]\nlanguage = "en"\n', "utf-8")
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    ports = Ports(notifier=FakeNotifier(), tray=HeadlessTray(), clock=clock)
    daemon = Daemon(config_file.load(path), builtin_catalog(), ports, seed=1, config_path=path)
    i18n.use_language(["en"])
    path.write_text('[interface]\nlanguage = "de"\n', "utf-8")
    assert daemon.reload("test")["ok"]
    assert i18n._("Stretch now") == "Jetzt dehnen"
    path.write_text('[interface]\nlanguage = "pt_BR"\n', "utf-8")
    assert daemon.reload("test")["ok"]
    assert i18n._("Stretch now") == "Alongar agora"


def test_a_child_process_inherits_the_chosen_language(own_catalogs):
    i18n.use_language(["pt"])
    env = i18n.child_environment({"LANG": "fr_FR.UTF-8", "LANGUAGE": "fr", "HOME": "/h"})
    assert env == {"LANG": "fr_FR.UTF-8", "LANGUAGE": "pt_BR", "HOME": "/h"}
    assert i18n.catalog_languages(i18n.environment_languages(env)) == ("pt_BR",)
    i18n.use_language(["C"])
    assert i18n.child_environment({"LANGUAGE": "de"})["LANGUAGE"] == "en"


def test_a_pipe_named_as_the_config_is_not_waited_on(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert configured.configured_language(fifo) == "auto"
    assert configured.configured_language(tmp_path) == "auto"  # a folder
