#!/usr/bin/python3
"""A stand-in for a file manager: a small window whose one item can be dragged out as a file, the way
Nautilus or Thunar offer one (text/uri-list with a file:// URI). Used by the drag-and-drop end-to-end
test; run with the system Python, which has PyGObject.

usage: drag_source.py FILE X Y   (prints "ready CX CY": the item's centre on the screen)
"""
import sys
from pathlib import Path

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    x, y = int(sys.argv[2]), int(sys.argv[3])
    window = Gtk.Window(title="drag source")
    window.set_decorated(False)
    window.set_default_size(160, 60)
    window.move(x, y)
    item = Gtk.Button(label=path.name)
    item.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, 0)],
        Gdk.DragAction.COPY,
    )
    item.connect("drag-data-get", lambda _w, _ctx, data, _info, _time: data.set_uris([path.as_uri()]))
    item.connect("drag-end", lambda *_: print("drag-end", flush=True))
    window.add(item)
    window.connect("destroy", Gtk.main_quit)

    def report() -> bool:
        _, ox, oy = item.get_window().get_origin()
        alloc = item.get_allocation()
        print(f"ready {ox + alloc.x + alloc.width // 2} {oy + alloc.y + alloc.height // 2}", flush=True)
        return False

    window.connect("map-event", lambda *_: GLib.timeout_add(200, report) and False)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
