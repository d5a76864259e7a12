"""Members' preferred languages: what the import accepts, and the language a member is written to in."""

from __future__ import annotations

from django.conf import settings


def default_language() -> str:
    """The language of members who chose none: ``TALLYROOM_MEMBER_LANGUAGE``, else ``LANGUAGE_CODE``."""
    return getattr(settings, "TALLYROOM_MEMBER_LANGUAGE", "") or settings.LANGUAGE_CODE


def language_of(code: str) -> str:
    """The language to write to a member whose preference is ``code`` (blank: the default)."""
    return code or default_language()


def parse_language(text: str) -> str | None:
    """A language column's value as stored: a code of ``settings.LANGUAGES`` or the language's own
    name, any case (``cy``, ``Cymraeg``, ``en-GB``, ``English``); blank stays blank (the default);
    None if it is no language the site has."""
    text = text.strip().lower()
    if not text:
        return ""
    for code, name in settings.LANGUAGES:
        if text in (code.lower(), name.lower()):
            return code
    return None


def accepted() -> str:
    return ", ".join(code for code, _ in settings.LANGUAGES)
