"""What deskbreak keeps on disk: the SQLite history and its export, and the config file (read,
created from the example, one key set atomically). Imports the core; never an adapter or the daemon.
"""
