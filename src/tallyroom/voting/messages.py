"""Fixed messages that casting and the ballot box raise in English and the voter's pages show in
the voter's language: listed here so ``makemessages`` puts them in the catalogue (``problem()``
and the code page look each one up as it stands). A test checks each is still raised word for word.
"""

from django.utils.translation import gettext_noop

VOTER_MESSAGES = [
    gettext_noop("That is not a valid ballot code. Check it and try again."),
    gettext_noop("This ballot code has already been used to vote."),
    gettext_noop("Review your ballot before casting it."),
    gettext_noop("You are not on the roll of any contest open to this ballot."),
    gettext_noop("You are not on the roll of one or more of the contests voted in."),
    gettext_noop("You have already voted in this election."),
    gettext_noop("a candidate is chosen more than once"),
]
