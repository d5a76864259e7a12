"""``{{ message|read }}``: a message kept in ``Words.stored()``'s form (a job's result, a
FormatError's ``problem_words``), in the active language; nothing for none (``|default:`` the plain text)."""

from django import template

from tallyroom.words import read as read_stored

register = template.Library()


@register.filter
def read(stored: dict | None) -> str:
    return read_stored(stored) if stored else ""
