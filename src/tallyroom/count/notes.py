"""The texts a count writes into its result (a stage's note, a tie's detail and rule), each from one
template here, in English: the published JSON keeps them so, and a recount with the CLI gives them
byte for byte. A page or PDF in another language re-renders them with ``translate``: a note is split
on "; ", each piece matched against the templates and written again from the template's
translation; a piece no template matches (an older engine's) is shown as it stands.

The templates are marked with ``tallyroom.stored_words.gettext_noop`` (free of Django, as the
engine is) so that Django's makemessages finds them; the caller gives the translating function
(``gettext``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from tallyroom.stored_words import gettext_noop

RON = gettext_noop("RON elected: its seat is left vacant and nominations reopen for it")
QUOTA_REDUCED = gettext_noop("quota reduced to %(quota)s (rule 5.4.8)")
REQUIRED_ONE_PLACE = gettext_noop(
    "votes required %(required)s = total active vote %(active)s / (1 place left + 1): %(names)s elected"
)
REQUIRED = gettext_noop(
    "votes required %(required)s = total active vote %(active)s / (%(places)s places left + 1): "
    "%(names)s elected"
)
AFTER_PAPERS = gettext_noop("after the papers at %(value)s, %(note)s")  # ``note``: one of these
LEFT_FILL = gettext_noop("the continuing candidates left fill the seats (rule 5.5.1)")
NO_TRANSFER = gettext_noop("no papers transferred")
DOOMED = gettext_noop("doomed by the constraints")
DOOMED_BREAK = gettext_noop("doomed: electing them would break the constraints")
BARRED = gettext_noop("excluded: the constraints bar them from the seat")
KEEP_VALUES = gettext_noop("keep values recomputed %(passes)s times")
LAST_VACANCIES = gettext_noop("the continuing candidates fill the last vacancies")
GUARDED_FILL = gettext_noop("the guarded candidates fill the seats left")
TIE_STAGE = gettext_noop("stage %(stage)s separated them")
TIE_LOT = gettext_noop("lot draw %(draw)s")

TEMPLATES = (RON, QUOTA_REDUCED, REQUIRED_ONE_PLACE, REQUIRED, AFTER_PAPERS, LEFT_FILL, NO_TRANSFER)
TEMPLATES += (DOOMED, DOOMED_BREAK, BARRED, KEEP_VALUES, LAST_VACANCIES, GUARDED_FILL, TIE_STAGE, TIE_LOT)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)), re.DOTALL
    )


_PATTERNS = [(t, _pattern(t)) for t in TEMPLATES]


def translate(text: str, words: Callable[[str], str]) -> str:
    """``text``, a note or tie detail the count wrote, in the language of ``words``."""
    return "; ".join(_piece(piece, words) for piece in text.split("; ")) if text else text


def _piece(piece: str, words: Callable[[str], str]) -> str:
    for template, pattern in _PATTERNS:
        found = pattern.fullmatch(piece)
        if found:
            params = found.groupdict()
            if "note" in params:
                params["note"] = _piece(params["note"], words)
            return words(template) % params
    return piece
