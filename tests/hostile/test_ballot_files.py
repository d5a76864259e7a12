"""BLT and CSV ballot files from a hostile source: every one is read, or refused with a
FormatError that names the file and a line within it (or none), never another exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.formats import FormatError, parse_blt, parse_csv_ballots, read_ballots

from .strategies import EXAMPLES, hostile, line_count

BLT_TOKENS = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-2",
    "=",
    "1.5",
    "(a)",
    "(b",
    '"Ann"',
    '"Bob"',
    '"T"',
    "99999999999999999999",
]
BLT_HEADER = st.sampled_from(["", "3 1\n", "2 1\n", "3 2\n", "-1 1\n", "3 4\n", "200 1\n"])
CSV_TOKENS = ["weight", "count", "ranking", "candidates", "Ann", "Bob", '"Ann"', '"', "1", "2.5", "-1", ""]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_a_line_of_separators_alone_is_blank():  # hypothesis found an IndexError here
    assert parse_blt(b'1\t1\n\xe2\x80\xa8,\n1 1 0\n0\n"Ann"\n"T"\n').ballots.total == 1


def refused_clearly(error: FormatError, source: str, data: bytes) -> None:
    assert error.source == source and str(error).startswith(f"{source}")
    assert error.line is None or 1 <= error.line <= line_count(data), (error.line, data)
    assert error.problem and "Traceback" not in error.problem


@FUZZ
@given(hostile(BLT_TOKENS, [" ", "  ", "\t", ","], BLT_HEADER))
def test_hostile_blt(data):
    try:
        parse_blt(data, "hostile.blt")
    except FormatError as e:
        refused_clearly(e, "hostile.blt", data)


@FUZZ
@given(hostile(CSV_TOKENS, [",", ";", "\t", '"']))
def test_hostile_csv_ballots(data):
    try:
        parse_csv_ballots(data, "hostile.csv")
    except FormatError as e:
        refused_clearly(e, "hostile.csv", data)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(hostile(BLT_TOKENS, [" "], BLT_HEADER), hostile(CSV_TOKENS, [","])),
    st.sampled_from(["b.blt", "c.csv", "x"]),
)
def test_hostile_files_by_name(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("hostile") / name
    path.write_bytes(data)
    try:
        read_ballots(path)
    except FormatError as e:
        refused_clearly(e, str(path), data)
