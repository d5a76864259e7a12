"""Every verb the audit trail records, with the label its page shows in the reader's language.

The stored verb (``job.start``), which the chain hashes and signs, never changes; only its label
is translated. A staff edit's verb is ``<model>.create``, ``.change`` or ``.delete``
(``changes.py``), labelled from ``THINGS``. A verb with no label (an older record) is shown as
stored.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

VERBS = {
    "account.enrolment_code": _("Set-up code given"),
    "account.two_factor_reset": _("Second factor reset"),
    "account.two_factor_set_up": _("Second factor set up"),
    "appeals.class_decision": _("Class decision on appeals"),
    "appeals.decide": _("Appeal decided"),
    "appeals.hearing": _("Appeal hearing or notes set"),
    "appeals.lodge": _("Appeal lodged"),
    "appeals.lookup": _("Appeal link asked for"),
    "appeals.open_link": _("Appeal link opened"),
    "appeals.panel_appoint": _("Appointed to the appeals panel"),
    "appeals.panel_remove": _("Removed from the appeals panel"),
    "appeals.provisional_cast": _("Provisional ballot cast on appeal"),
    "appeals.rules": _("Appeal rules set"),
    "audit.election_key": _("Election signing key certified"),
    "audit.export": _("Audit trail downloaded"),
    "ballotbox.admit_provisional": _("Provisional ballots admitted"),
    "ballotbox.close": _("Ballot box closed"),
    "ballotbox.destroy_provisional": _("Provisional ballots destroyed"),
    "ballotbox.install_key": _("Trustees' key installed"),
    "ballotbox.open": _("Ballot box opened"),
    "conference.badges": _("Badges made"),
    "conference.challenge": _("Entitlement challenged"),
    "conference.challenge_decided": _("Entitlement challenge decided"),
    "conference.check_in": _("Delegate checked in"),
    "conference.check_out": _("Delegate checked out"),
    "conference.delegate_named": _("Delegate named"),
    "conference.delegates_imported": _("Delegates imported"),
    "conference.entitlement": _("Delegation entitlement set"),
    "conference.kiosk_added": _("Kiosk added"),
    "conference.kiosk_locked": _("Kiosk locked"),
    "conference.kiosk_set_up": _("Kiosk set up"),
    "conference.kiosk_unlocked": _("Kiosk unlocked"),
    "conference.paper_keyed": _("Paper ballot keyed in"),
    "conference.papers_issued": _("Paper ballots issued"),
    "conference.papers_returned": _("Paper ballots returned"),
    "conference.poll_created": _("Poll created"),
    "conference.poll_declared": _("Poll declared"),
    "conference.poll_open": _("Poll opened"),
    "conference.proxy": _("Proxy named"),
    "conference.show_of_hands": _("Show of hands recorded"),
    "conference.substitute_seated": _("Substitute seated"),
    "contest.count": _("Contest counted"),
    "contest.publish": _("Result published"),
    "contest.tie_seed": _("Tie-break seed drawn"),
    "election.close": _("Voting closed"),
    "election.extend": _("Voting extended"),
    "election.mail_test": _("Test email sent"),
    "election.open": _("Voting opened"),
    "election.reopen": _("Voting reopened"),
    "job.done": _("Job done"),
    "job.fail": _("Job failed"),
    "job.retry": _("Job retried"),
    "job.start": _("Job started"),
    "member.contact_change": _("Member's contact details changed"),
    "organisation.import": _("Organisation imported"),
    "results.forecast": _("Forecast made"),
    "roll.build": _("Roll built"),
    "roll.decision": _("Roll decision"),
    "roll.decisions": _("Roll decisions for many members"),
    "roll.export": _("Roll downloaded"),
    "roll.freeze": _("Roll frozen"),
    "roll.import": _("Members imported"),
    "voting.code_delivery_reported": _("Code delivery reported"),
    "voting.code_guessing_alarm": _("Code guessing alarm"),
    "voting.drop_pending_codes": _("Unsent ballot codes dropped"),
    "voting.issue_codes": _("Ballot codes issued"),
    "voting.reissue_code": _("Ballot code reissued"),
    "voting.reissue_notice": _("Reissue notice sent"),
    "voting.reissue_requested": _("Code reissue requested"),
    "voting.remind": _("Reminder sent"),
    "voting.schedule_reminder": _("Reminder scheduled"),
    "voting.withdraw_code": _("Ballot code withdrawn"),
    "voting.withdraw_codes": _("Ballot codes withdrawn"),
}

# The models whose staff edits are recorded, by model name.
THINGS = {
    "affiliate": _("affiliate"),
    "appealrules": _("appeal rules"),
    "candidate": _("candidate"),
    "conference": _("conference"),
    "contest": _("contest"),
    "delegation": _("delegation"),
    "election": _("election"),
    "member": _("member"),
    "nomination": _("nomination"),
    "panellist": _("appeals panellist"),
    "region": _("region"),
    "slate": _("slate"),
    "unit": _("unit"),
    "user": _("account"),
}

CHANGES = {
    "create": _("%(thing)s created"),
    "change": _("%(thing)s changed"),
    "delete": _("%(thing)s deleted"),
}


def label(verb: str) -> str:
    """The label of ``verb`` in the active language, or ``verb`` as stored if it has none."""
    if verb in VERBS:
        return str(VERBS[verb])
    thing, _dot, change = verb.partition(".")
    if thing in THINGS and change in CHANGES:
        return capfirst(CHANGES[change] % {"thing": THINGS[thing]})
    return verb
