"""The functional core: config model and checks, stretch catalog, rotation, schedule, work hours,
presence, hold timer, stats, outcomes, views, control protocol and safety text.

Plain Python: every function takes `now` and returns values. Nothing here reads a clock, starts a
thread, opens a socket or a file, or imports a GUI; it imports only the standard library, its own
modules and `deskbreak.ports` (values and Protocols).
"""
