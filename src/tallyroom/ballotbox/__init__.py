"""The ballot box: the only place ballots are written and read (see box.py)."""
