"""Random symbols for ballot codes and trackers: 32 letters and digits without look-alikes
(no I, O, 0, 1), 5 bits each, written in groups of four (``K7QF-9XMB``)."""

import base64
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUP = 4
# base32 writes each 5 bits of its input as one of these; the same 5 bits become ALPHABET's symbol
_FROM_BASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())


def random_symbols(n: int) -> str:
    """``n`` symbols of ``ALPHABET`` (5 random bits each, from one draw of ``secrets``), grouped
    in fours. Written by base32 (C code) and one translation: a ballot code costs about 2 µs."""
    drawn = base64.b32encode(secrets.token_bytes((5 * n + 7) // 8))[:n]  # each symbol 5 whole bits
    symbols = drawn.translate(_FROM_BASE32).decode("ascii")
    return "-".join(symbols[i : i + GROUP] for i in range(0, n, GROUP))
