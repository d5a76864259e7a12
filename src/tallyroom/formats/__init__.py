"""Ballot and result formats: BLT and CSV ballots in, JSON, CSV and printed result sheets out.

Every reader raises FormatError naming the file, the line and the problem.
"""

from .blt import BltFile, blt_text, parse_blt, read_blt, read_blt_file, write_blt
from .errors import FormatError

__all__ = ["BltFile", "FormatError", "blt_text", "parse_blt", "read_blt", "read_blt_file", "write_blt"]
