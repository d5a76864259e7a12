"""A message kept as its English text (the catalogue's msgid) and its parameters, so it is written
in the language of whoever reads it, not of whoever wrote it.

``str(words)`` translates it into the active language: raised in a request, it reads in the
request's language; stored by a worker (a job's progress or result, which no reader's language
reaches), ``stored()`` keeps it as JSON and ``Words.from_stored`` brings it back where it is shown.
Mark the msgid with ``gettext_noop`` so that ``makemessages`` finds it::

    raise Refused(Words(gettext_noop("%(name)s is not open"), name=election.name))

A plural is marked with ``plural_noop`` (``scripts/messages`` runs our ``makemessages``, which
knows it) and its count given after it::

    Words(*plural_noop("%(n)s code sent", "%(n)s codes sent"), n, n=f"{n:,}")

Code that must stay free of Django makes the stored form itself (``tallyroom.stored_words``);
``read`` writes such a message in the active language.

A parameter may itself be ``Words`` (or, if never stored, a lazy translation), translated with the
rest; any other value is shown as it stands (a number's thousands separators are the caller's).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

from tallyroom.stored_words import NESTED as _WORDS  # the key marking a stored parameter that is Words
from tallyroom.stored_words import plural_noop as plural_noop  # marks a plural pair for makemessages


class Words:
    """``msgid % params`` in the active language; ``plural`` and ``count`` choose a plural form."""

    __slots__ = ("msgid", "plural", "count", "params")

    def __init__(self, msgid: str, plural: str | None = None, count: int | None = None, **params: Any):
        if (plural is None) != (count is None):
            raise ValueError("a plural msgid needs its count, and a count its plural msgid")
        self.msgid, self.plural, self.count, self.params = msgid, plural, count, params

    def __str__(self) -> str:
        text = ngettext(self.msgid, self.plural, self.count) if self.plural else gettext(self.msgid)
        if not self.params:
            return text
        return text % {k: str(v) if isinstance(v, (Words, Promise)) else v for k, v in self.params.items()}

    def __repr__(self) -> str:
        return f"Words({self.msgid!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and self.stored() == other.stored()

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.count))

    def recorded(self) -> str:
        """The message in the site's own language (``LANGUAGE_CODE``), as the audit trail and the
        other records written beside ``stored()`` keep it, whoever's request wrote it."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)

    def stored(self) -> dict:
        """A JSON-able form that ``from_stored`` reads back."""
        return {
            "msgid": self.msgid,
            **({"plural": self.plural, "count": self.count} if self.plural else {}),
            "params": {k: _stored_param(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_stored(cls, data: dict) -> Words:
        params = {k: _read_param(v) for k, v in data.get("params", {}).items()}
        return cls(data["msgid"], data.get("plural"), data.get("count"), **params)


def read(stored: dict) -> str:
    """A message in ``Words.stored()``'s form, in the active language."""
    return str(Words.from_stored(stored))


def _stored_param(value: Any) -> Any:
    if isinstance(value, Words):
        return {_WORDS: value.stored()}
    if isinstance(value, Promise):
        raise TypeError("a lazy translation cannot be stored: pass Words(gettext_noop(...)) instead")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # a model or date: shown as it stood when stored


def _read_param(value: Any) -> Any:
    return Words.from_stored(value[_WORDS]) if isinstance(value, dict) and _WORDS in value else value
