"""Django's own texts that our pages show and Django's Welsh catalogue lacks. Listed here (marked,
never called) so that ``makemessages`` keeps them in our catalogue, which Django reads before its
own (``LOCALE_PATHS``); Django words them, in the request's language, when it raises them."""

from django.utils.translation import gettext_noop

from tallyroom.words import plural_noop

WORDS = (
    # the account form's password checks and user name (web/accounts.py)
    plural_noop(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    gettext_noop("This password is too common."),
    gettext_noop(
        "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
    ),
    # the slugs and codes of elections, contests, conferences, regions, units and affiliates
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
)
