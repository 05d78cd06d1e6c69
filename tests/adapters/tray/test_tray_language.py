"""The tray menu in the user's language: every label a user sees is translated when the menu is
built, and the commands it sends stay the daemon's."""

from __future__ import annotations

from typing import Any

from pseudo_language import translated

from deskbreak.adapters.tray.icon import PystrayTray


class MenuOnlyIcon:
    """Stands in for a pystray Icon: keeps the menu, shows nothing."""

    HAS_MENU = True

    def __init__(self, name: str, icon: Any, title: str, menu: Any = None) -> None:
        self.menu, self.title = menu, title

    def update_menu(self) -> None:
        pass


def shown_labels(menu: Any) -> list[str]:
    labels: list[str] = []
    for item in menu.items:
        if item is menu.SEPARATOR or not item.visible:
            continue
        labels.append(str(item.text))
        if item.submenu:
            labels.extend(shown_labels(item.submenu))
    return labels


def test_every_menu_label_is_translated_and_the_commands_stay(pseudo_language: None) -> None:
    sent: list[tuple[str, object]] = []
    tray = PystrayTray(
        lambda name, arg: sent.append((name, arg)), icon_factory=MenuOnlyIcon, takes_pixmaps=True
    )
    labels = shown_labels(tray._icon.menu)
    assert len(labels) >= 17  # the actions, 3 snoozes, 5 pauses and today's line
    assert [label for label in labels if not translated(label)] == []
    assert "⟦10 min⟧" in labels and "⟦Until I resume⟧" in labels
    snooze = next(item for item in tray._icon.menu.items if item.text == "⟦Snooze⟧")
    next(item for item in snooze.submenu.items if item.text == "⟦10 min⟧")(tray._icon)
    pause = next(item for item in tray._icon.menu.items if item.text == "⟦Pause⟧")
    next(item for item in pause.submenu.items if item.text == "⟦Until tomorrow⟧")(tray._icon)
    assert sent == [("snooze", 10), ("pause", "tomorrow")]


def test_in_english_the_menu_reads_as_written() -> None:
    tray = PystrayTray(lambda name, arg: None, icon_factory=MenuOnlyIcon, takes_pixmaps=True)
    labels = shown_labels(tray._icon.menu)
    assert labels[:3] == ["Stretch now", "Show stretch…", "Done"]
    assert "Until I resume" in labels and "5 min" in labels and "Today: no stretches yet" in labels
