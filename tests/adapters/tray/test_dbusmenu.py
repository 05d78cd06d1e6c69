"""The dbusmenu tree of a pystray menu, and the com.canonical.dbusmenu methods on it (pure: no bus)."""

from __future__ import annotations

import pytest

from deskbreak.adapters.tray.bus import Failure
from deskbreak.adapters.tray.dbusmenu import MenuService, build_layout, label, to_dbus
from deskbreak.adapters.tray.model import pystray_base

base = pystray_base()
Menu, Item = base.Menu, base.MenuItem


def sample(clicked: list, state: dict):
    return Menu(
        Item("Default", lambda: clicked.append("default"), default=True, visible=False),
        Menu.SEPARATOR,
        Item("Go", lambda: clicked.append("go")),
        Item("Off", lambda: clicked.append("off"), enabled=False),
        Item("Check", lambda: clicked.append("check"), checked=lambda item: state["on"]),
        Item(
            "Pick",
            Menu(
                Item("One", lambda: clicked.append("one"), radio=True, checked=lambda item: True),
                Item("Two_b", lambda: clicked.append("two"), radio=True, checked=lambda item: False),
            ),
        ),
        Menu.SEPARATOR,
        Menu.SEPARATOR,
        Item(lambda item: f"Count {state['n']}", None, enabled=False),
        Menu.SEPARATOR,
    )


def flatten(node: tuple) -> dict[str, tuple[int, dict]]:
    out = {}
    for _sig, child in node[2]:
        out[child[1].get("label", ("s", "-"))[1]] = (child[0], child[1])
        out.update(flatten(child))
    return out


def test_layout_keeps_visible_items_submenus_flags_and_no_stray_separators():
    root = to_dbus(build_layout(sample([], {"on": True, "n": 1})).root)
    assert root[0] == 0 and root[1] == {"children-display": ("s", "submenu")}
    kinds = [child[1].get("type", ("s", "standard"))[1] for _s, child in root[2]]
    assert kinds == ["standard"] * 4 + ["separator", "standard"]  # no leading, doubled or trailing one
    items = flatten(root)
    assert "Default" not in items  # pystray's invisible default item is Activate's, not the menu's
    assert items["Go"][1] == {"label": ("s", "Go")}  # defaults (enabled, visible, standard) are left out
    assert items["Off"][1]["enabled"] == ("b", False)
    assert items["Check"][1]["toggle-type"] == ("s", "checkmark") and items["Check"][1]["toggle-state"] == (
        "i",
        1,
    )
    assert items["Pick"][1]["children-display"] == ("s", "submenu")
    assert items["One"][1]["toggle-type"] == ("s", "radio") and items["One"][1]["toggle-state"] == ("i", 1)
    assert items["Two__b"][1]["toggle-state"] == ("i", 0)  # "_" doubled: dbusmenu reads it as a mnemonic
    assert items["Count 1"][1]["enabled"] == ("b", False)


def test_ids_are_depth_first_and_depth_limits_the_tree():
    layout = build_layout(sample([], {"on": False, "n": 0}))
    assert sorted(layout.items) == list(range(1, len(layout.items) + 1))
    assert to_dbus(layout.root, depth=0)[2] == []
    pick = next(
        child for _s, child in to_dbus(layout.root, depth=1)[2] if child[1].get("label") == ("s", "Pick")
    )
    assert pick[2] == []  # depth 1: the root's children, not theirs
    assert set(to_dbus(layout.root, names=frozenset({"label"}))[2][0][1][1]) == {"label"}


def test_label_escapes_underscores():
    assert label("a_b") == "a__b"


def service(clicked, state, emitted):
    return MenuService(
        lambda: sample(clicked, state),
        lambda item: item(None),
        lambda member, sig, body: emitted.append((member, body)),
    )


def test_event_clicked_runs_the_item_and_unknown_ids_are_errors():
    clicked, emitted, state = [], [], {"on": False, "n": 0}
    menu = service(clicked, state, emitted)
    items = flatten(menu.call("GetLayout", (0, -1, []))[1][1])
    menu.call("Event", (items["Go"][0], "clicked", ("s", ""), 0))
    menu.call("Event", (items["Off"][0], "clicked", ("s", ""), 0))  # disabled: pystray does not run it
    menu.call("Event", (items["Two__b"][0], "hovered", ("s", ""), 0))  # not a click
    assert clicked == ["go"]
    with pytest.raises(Failure):
        menu.call("Event", (999, "clicked", ("s", ""), 0))
    errors = menu.call(
        "EventGroup", ([(items["One"][0], "clicked", ("s", ""), 0), (999, "clicked", ("s", ""), 0)],)
    )
    assert errors == ("ai", ([999],)) and clicked == ["go", "one"]
    with pytest.raises(Failure):
        menu.call("GetLayout", (999, -1, []))


def test_a_changed_view_gives_a_new_revision_and_layout_updated():
    clicked, emitted, state = [], [], {"on": False, "n": 0}
    menu = service(clicked, state, emitted)
    revision = menu.call("GetLayout", (0, -1, []))[1][0]
    assert menu.refresh() is False and emitted == []
    state["n"] = 3
    assert menu.call("AboutToShow", (0,)) == ("b", (True,))  # the host asks before showing: it changed
    assert emitted == [("LayoutUpdated", (revision + 1, 0))]
    got = menu.call("GetLayout", (0, -1, []))[1]
    assert got[0] == revision + 1 and "Count 3" in flatten(got[1])


def test_group_properties_and_get_property():
    menu = service([], {"on": True, "n": 0}, [])
    items = flatten(menu.call("GetLayout", (0, -1, []))[1][1])
    go, off = items["Go"][0], items["Off"][0]
    assert menu.call("GetGroupProperties", ([go, off], ["enabled"]))[1][0] == [
        (go, {}),
        (off, {"enabled": ("b", False)}),
    ]
    assert (
        len(menu.call("GetGroupProperties", ([], []))[1][0]) == len(items) + 1
    )  # empty: every item and the root
    assert menu.call("GetProperty", (go, "label")) == ("v", (("s", "Go"),))
    with pytest.raises(Failure):
        menu.call("GetProperty", (go, "icon-name"))
    assert menu.properties()["Version"] == ("u", 3)
