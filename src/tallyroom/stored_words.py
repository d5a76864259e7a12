"""Messages made where Django may not be imported (``tallyroom.formats``, the ballot box's keys),
kept in the form ``tallyroom.words.Words.stored()`` gives: a dict of the msgid, its parameters
and, for a plural, the plural msgid and count. ``english`` writes one as it stands;
``Words.from_stored`` reads it in the reader's language. Mark msgids with this module's no-ops,
which ``makemessages`` finds by their names as it finds Django's::

    raise FormatError(path, line, stored(gettext_noop("weight %(weight)s is not a number"), weight=w))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Stored = dict[str, Any]  # {"msgid", "params"[, "plural", "count"]}
NESTED = "__words__"  # the key marking a parameter that is itself a message


def gettext_noop(msgid: str) -> str:
    """Marks a msgid for ``makemessages``."""
    return msgid


def plural_noop(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for ``makemessages``."""
    return singular, plural


def stored(msgid: str | tuple[str, str], count: int | None = None, **params: Any) -> Stored:
    """The message ``msgid % params`` (a pair from ``plural_noop`` with its ``count``); a parameter
    that is itself a message is nested as ``Words.stored()`` nests one."""
    params = {k: {NESTED: v} if isinstance(v, dict) else v for k, v in params.items()}
    if isinstance(msgid, tuple):
        return {"msgid": msgid[0], "plural": msgid[1], "count": count, "params": params}
    return {"msgid": msgid, "params": params}


def joined(messages: Sequence[Stored]) -> Stored:
    """Several messages as one, joined by "; "."""
    whole = messages[0]
    for then in messages[1:]:
        whole = stored(gettext_noop("%(first)s; %(then)s"), first=whole, then=then)
    return whole


def english(message: Stored) -> str:
    """The message in English (its msgid, or plural msgid, with its parameters)."""
    text = message["plural"] if message.get("plural") and message["count"] != 1 else message["msgid"]
    params = message.get("params")
    if not params:
        return text
    return text % {
        k: english(v[NESTED]) if isinstance(v, dict) and NESTED in v else v for k, v in params.items()
    }
