"""Ballot and result formats: BLT and CSV ballots in, JSON, CSV and printed result sheets out.

Every reader raises FormatError naming the file, the line and the problem.
"""

from .ballotfile import BallotFile
from .blt import blt_text, parse_blt, read_blt, read_blt_file, write_blt
from .csvballots import csv_ballots_text, parse_csv_ballots, read_csv_ballots, write_csv_ballots
from .errors import FormatError
from .reading import read_ballots
from .results import result_csv, result_json, result_table

__all__ = [
    "BallotFile",
    "FormatError",
    "blt_text",
    "csv_ballots_text",
    "parse_blt",
    "parse_csv_ballots",
    "read_ballots",
    "read_blt",
    "read_blt_file",
    "read_csv_ballots",
    "result_csv",
    "result_json",
    "result_table",
    "write_blt",
    "write_csv_ballots",
]
