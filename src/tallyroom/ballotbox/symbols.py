"""Random symbols for ballot codes and trackers: 32 letters and digits without look-alikes
(no I, O, 0, 1), 5 bits each, written in groups of four (``K7QF-9XMB``)."""

import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUP = 4


def random_symbols(n: int) -> str:
    """``n`` symbols of ``ALPHABET`` from one draw of ``secrets``, grouped in fours."""
    bits = secrets.randbits(5 * n)
    symbols = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(n))
    return "-".join(symbols[i : i + GROUP] for i in range(0, n, GROUP))
