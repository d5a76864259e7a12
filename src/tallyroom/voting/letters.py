"""The emails a member gets about their vote (code, reminder, reissue notice), each in the
member's preferred language: ``in_their_language`` around the ``gettext`` calls, ``letter`` for the
greeting and the paragraphs."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from tallyroom.roll.languages import language_of

from .plain_email import PlainEmail


def in_their_language(member):
    """A context in which ``gettext`` writes ``member``'s preferred language."""
    return translation.override(language_of(member.language))


def letter(member, subject: str, *paragraphs: str, to: str | None = None) -> PlainEmail:
    """An email to ``member`` (or to the address ``to``): "Dear …," in the active language, then
    the paragraphs, a blank line between each."""
    body = "\n\n".join([gettext("Dear %(name)s,") % {"name": member.name}, *paragraphs]) + "\n"
    return PlainEmail(subject=subject, body=body, to=[to or member.email])
