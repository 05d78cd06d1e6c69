"""The imperative shell: `start` assembles the daemon (composition root), `service.Daemon` drives the
core from the clock, the timer (`timer`: APScheduler), the control socket (`control`, `remote`,
`instance`), the config watcher, the senses (idle probe, calendar) and the guided-window launcher.

It may import everything: core, store, adapters (each chosen through its folder's `__init__`).
"""
