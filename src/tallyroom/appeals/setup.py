"""Setting appeals up without the CLI or the admin: an election's appeal rules (deadline, quorum,
days to decide, evidence files) and the appeals panel (the ``appeals_panel`` role, with each panel
member's own membership record, which is what excludes them from a case). Each change is one
audit event, written in the transaction that makes it."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.elections.models import Election
from tallyroom.roll.models import Member
from tallyroom.web.access import APPEALS_PANEL
from tallyroom.words import Words

from . import evidence
from .models import AppealRules, Panellist


class SetupRefused(ValueError):
    """The change cannot be made; the message (``Words``) says why."""


RULES = ("appeals_close", "quorum", "days_to_decide", "max_files", "max_file_bytes")


def _rules_data(rules: AppealRules | None) -> dict:
    if rules is None:
        return {}
    data = {name: getattr(rules, name) for name in RULES}
    data["appeals_close"] = rules.appeals_close.isoformat()
    return data


def save_rules(
    election: Election,
    user,
    *,
    appeals_close,
    quorum: int,
    days_to_decide: int,
    max_files: int = evidence.MAX_FILES,
    max_file_bytes: int | None = None,
) -> AppealRules:
    """Create or change ``election``'s appeal rules (event ``appeals.rules``, before and after).
    A changed number of days applies to cases lodged from now on; ``max_file_bytes`` None (or
    above the deployment's limit) means the deployment's limit."""
    if quorum < 1:
        raise SetupRefused(Words(gettext_noop("The quorum is at least one panel member.")))
    if days_to_decide < 1:
        raise SetupRefused(Words(gettext_noop("The panel has at least one day to decide a case.")))
    if max_file_bytes is not None and not 0 < max_file_bytes <= evidence.max_bytes():
        raise SetupRefused(
            Words(
                gettext_noop("A file may be at most %(limit)s bytes (the deployment's limit)."),
                limit=f"{evidence.max_bytes():,}",
            )
        )
    with transaction.atomic():
        rules = AppealRules.objects.select_for_update().filter(election=election).first()
        before = _rules_data(rules)
        if rules is None:
            rules = AppealRules(election=election)
        rules.appeals_close, rules.quorum, rules.days_to_decide = appeals_close, quorum, days_to_decide
        rules.max_files, rules.max_file_bytes = max_files, max_file_bytes
        rules.save()
        record(user, "appeals.rules", f"election:{election.pk}", before=before, after=_rules_data(rules))
    return rules


def member_by_number(number: str) -> Member | None:
    """The member numbered ``number`` (None for a blank one); SetupRefused naming an unknown one."""
    number = number.strip()
    if not number:
        return None
    member = Member.objects.filter(number=number).first()
    if member is None:
        raise SetupRefused(
            Words(gettext_noop("No member has the membership number %(number)s."), number=number)
        )
    return member


def appoint(account, member: Member | None, user) -> None:
    """Put ``account`` on the appeals panel (or, if on it, change their membership record):
    event ``appeals.panel_appoint``."""
    with transaction.atomic():
        was_on = account.groups.filter(name=APPEALS_PANEL).exists()
        account.groups.add(Group.objects.get_or_create(name=APPEALS_PANEL)[0])
        Panellist.objects.update_or_create(user=account, defaults={"member": member})
        record(
            user,
            "appeals.panel_appoint",
            f"user:{account.pk}",
            name=account.get_username(),
            member=member.number if member else "",
            already_on_panel=was_on,
        )


def remove(account, user) -> None:
    """Take ``account`` off the appeals panel: event ``appeals.panel_remove``. The cases and class
    decisions they sat on keep their names."""
    with transaction.atomic():
        group = Group.objects.filter(name=APPEALS_PANEL).first()
        if group is None or not account.groups.filter(pk=group.pk).exists():
            raise SetupRefused(
                Words(gettext_noop("%(name)s is not on the appeals panel."), name=account.get_username())
            )
        account.groups.remove(group)
        Panellist.objects.filter(user=account).delete()
        record(user, "appeals.panel_remove", f"user:{account.pk}", name=account.get_username())
