"""Hostile file contents for the parsers: random bytes, and text close enough to each format to
get past its first checks (the tokens the format uses, quotes, separators, odd characters)."""

import os

from hypothesis import strategies as st

# Examples per fuzz test; TALLYROOM_FUZZ_EXAMPLES=5000 for a longer hunt.
EXAMPLES = int(os.environ.get("TALLYROOM_FUZZ_EXAMPLES", "200"))

ODD = ["\x00", "\ufeff", "\u2028", "\r", "\t", "é", "\U0001f600", "\\", "'", '"', "=", "-", "(", ")", "*"]


def lines_of(tokens: list[str], separators: list[str]) -> st.SearchStrategy[str]:
    token = st.one_of(st.sampled_from(tokens), st.sampled_from(ODD), st.text(max_size=6))
    line = st.lists(st.tuples(token, st.sampled_from(separators)), max_size=8).map(
        lambda pairs: "".join(t + s for t, s in pairs)
    )
    ending = st.sampled_from(["\n", "\r\n", "\r", ""])
    return st.lists(st.tuples(line, ending), max_size=12).map(lambda rows: "".join(a + b for a, b in rows))


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.tuples(text, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    )


NO_HEADER = st.just("")


def hostile(tokens: list[str], separators: list[str], header: st.SearchStrategy[str] = NO_HEADER):
    """Bytes: random, or the format's own tokens in a hostile order after an optional header."""
    near = st.tuples(header, lines_of(tokens, separators)).map(lambda pair: pair[0] + pair[1])
    return st.one_of(st.binary(max_size=300), encoded(near))


def line_count(data: bytes) -> int:
    """Lines in ``data`` however they end, and one more (an error at the end of the file)."""
    return len(data.splitlines()) + 1
