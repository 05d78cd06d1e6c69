"""The StatusNotifierItem object as the host sees it: its properties (the picture as ARGB32
pixmaps in a few sizes), its clicks, and its introspection XML. sni.py serves it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import dbusmenu
from .bus import Failure
from .pictures import SIZES as SIZES  # re-exported: the sizes sent
from .pictures import argb_pixmaps

if TYPE_CHECKING:
    from .sni import SniIcon

log = logging.getLogger(__name__)

ITEM = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
pixmaps = argb_pixmaps  # IconPixmap's a(iiay) for a Pillow image (the tray itself sends shipped Pictures)


class ItemObject:
    """org.kde.StatusNotifierItem at /StatusNotifierItem: the icon's properties and its clicks."""

    interface = ITEM

    def __init__(self, icon: SniIcon) -> None:
        self.icon = icon

    def properties(self) -> dict[str, tuple[str, Any]]:
        icon = self.icon
        title = icon.title or icon.name
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", icon.name),
            "Title": ("s", title),
            "Status": ("s", icon.status),
            "WindowId": ("i", 0),
            "IconThemePath": ("s", ""),
            "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", icon.pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", icon.pixmaps),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], title, icon.description)),
            "ItemIsMenu": ("b", False),
            "Menu": ("o", dbusmenu.PATH),
        }

    def call(self, member: str, body: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
        if member in ("Activate", "SecondaryActivate"):
            log.debug("tray: %s at %s", member, body)
            self.icon.activate()
        elif member not in ("ContextMenu", "Scroll"):  # the host draws the menu; scrolling means nothing here
            raise Failure("org.freedesktop.DBus.Error.UnknownMethod", f"no method {member} on {ITEM}")
        return "", ()


ITEM_XML = """<interface name="org.kde.StatusNotifierItem">
  <property name="Category" type="s" access="read"/><property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/><property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/><property name="IconThemePath" type="s" access="read"/>
  <property name="IconName" type="s" access="read"/><property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="OverlayIconName" type="s" access="read"/>
  <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionIconName" type="s" access="read"/>
  <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionMovieName" type="s" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/><property name="Menu" type="o" access="read"/>
  <method name="ContextMenu"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="Activate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
  <method name="Scroll"><arg name="delta" type="i" direction="in"/><arg name="orientation" type="s" direction="in"/></method>
  <signal name="NewTitle"/><signal name="NewIcon"/><signal name="NewAttentionIcon"/>
  <signal name="NewOverlayIcon"/><signal name="NewToolTip"/>
  <signal name="NewStatus"><arg name="status" type="s"/></signal>
</interface>"""
