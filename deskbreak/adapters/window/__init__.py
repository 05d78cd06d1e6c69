"""The windows deskbreak opens, each in a process of its own so Tk never loads into the daemon:
the guided stretch window (`guided`: `python -m deskbreak.adapters.window.guided`, drawn by `view`,
styled by `theme`) and the actions window for trays without a menu (`actions`).
"""
