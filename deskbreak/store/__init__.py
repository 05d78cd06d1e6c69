"""What deskbreak keeps on disk: the SQLite history (history.py, its file in history_file.py), the
recorder that takes each answer and writes it there (recorder.py, through journal.py and
history_writer.py), the export, private files (private.py), and the config file. Imports the core;
never an adapter or the daemon.
"""
