"""Who may do what: roles are Django groups, checked by decorators on views (as Helios does).

- ``returning_officer``: opens and closes voting, counts, publishes, decides roll appeals.
- ``staff``: manages the roll, candidates, nominations and slates.
- ``scrutineer``: reads roll statistics, turnout and the audit trail; never a vote.
- ``appeals_panel``: hears members' appeals against exclusion and decides them (tallyroom.appeals).
- ``chair``: opens and closes a conference's in-room polls, enters a show of hands.
- ``registration_desk``: checks conference delegates in and out, seats substitutes, prints badges.
- ``teller``: keys in paper ballots (each paper twice, by two tellers) and settles disagreements.
A delegation's secretary names its delegates: a role scoped to that delegation (conference app).
Superusers hold every role. Voters have no account: they use a ballot code. Every role's page
needs a session that passed the second factor (``twofactor``) when the deployment requires one.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .twofactor import require_verified

RETURNING_OFFICER = "returning_officer"
STAFF = "staff"
SCRUTINEER = "scrutineer"
APPEALS_PANEL = "appeals_panel"
CHAIR = "chair"
REGISTRATION_DESK = "registration_desk"
TELLER = "teller"
ROLES = (RETURNING_OFFICER, STAFF, SCRUTINEER, APPEALS_PANEL, CHAIR, REGISTRATION_DESK, TELLER)
ROLE_NAMES = {
    RETURNING_OFFICER: _("Returning officer"),
    STAFF: _("Staff"),
    SCRUTINEER: _("Scrutineer"),
    APPEALS_PANEL: _("Appeals panel"),
    CHAIR: _("Conference chair"),
    REGISTRATION_DESK: _("Registration desk"),
    TELLER: _("Teller"),
}
ROLE_DUTIES = {
    RETURNING_OFFICER: _("opens and closes voting, counts, publishes, decides roll appeals"),
    STAFF: _("manages members, the roll, contests, candidates, nominations and slates"),
    SCRUTINEER: _("reads the roll, turnout and the audit trail"),
    APPEALS_PANEL: _("hears members' appeals against exclusion and decides them"),
    CHAIR: _("opens and closes a conference's in-room polls, enters a show of hands"),
    REGISTRATION_DESK: _("checks conference delegates in and out, seats substitutes, prints badges"),
    TELLER: _("keys in paper ballots, each twice by two tellers"),
}


def has_role(user, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=roles).exists()


def role_required(*roles: str):
    """Let a signed-in user with one of ``roles`` through; send others to sign in, or refuse (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refused = require_verified(request)
            if refused is not None:
                return refused
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.roles = roles  # what the pages' tests check each offered button against
        return wrapped

    return decorator
