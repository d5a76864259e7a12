"""Template context for every page."""

from django.conf import settings


def languages(request):
    """The languages offered, each named in itself ("Cymraeg", never "Welsh" or "Saesneg")."""
    return {"language_choices": settings.LANGUAGES}
