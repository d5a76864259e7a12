"""What a candidate may be called: names travel into the public list of ballots (preferences
joined by " > "), BLT and CSV recount files and spreadsheets, so characters that would change
their meaning there are refused when the name is entered."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext

from tallyroom.formats.ballotfile import clean_name
from tallyroom.formats.spreadsheet import is_formula

SEPARATOR = ">"  # the public list writes preferences as "Ann > Bob"
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def name_problem(name: str) -> str:
    """Why ``name`` cannot be a candidate's name ("" if it can), in the active language. ``name`` is
    as entered."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return gettext("A name cannot contain a line break, tab or other control character.")
    if any(ch in BIDI_CONTROLS for ch in name):
        return gettext("A name cannot contain characters that reverse the direction of text.")
    name = clean_name(name)
    if SEPARATOR in name:
        return gettext(
            "A name cannot contain '%(separator)s': the public list of ballots separates preferences "
            "with ' %(separator)s '."
        ) % {"separator": SEPARATOR}
    if is_formula(name):
        return gettext("A name cannot start with %(first)s: spreadsheets would read it as a formula.") % {
            "first": repr(name[0])
        }
    return ""
