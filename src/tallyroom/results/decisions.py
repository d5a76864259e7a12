"""The returning officer's pages before each irreversible step: the checklist and confirmation
before opening voting, the confirmation before closing it, and the recorded decisions that move
the close later or reopen voting after an early close (each a verb of tallyroom.lifecycle)."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tallyroom import lifecycle
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.models import ElectionKey
from tallyroom.elections import checklist
from tallyroom.elections.forms import DATETIME
from tallyroom.elections.models import Election
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting import turnout
from tallyroom.web.access import RETURNING_OFFICER, role_required
from tallyroom.words import read


class DecisionForm(forms.Form):
    """A new close of voting and why (both go into the audit trail)."""

    until = forms.DateTimeField(label=_("Voting closes at"), widget=DATETIME)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("recorded in the audit trail with your name"),
    )


def recipients(election: Election) -> dict[str, int]:
    """Who opening voting would send codes to, from the rolls as built now: ``codes`` (members
    eligible in any contest), ``emails`` and ``postal`` (those without an email address)."""
    eligible = RollEntry.objects.filter(member=OuterRef("pk"), contest__election=election, eligible=True)
    counts = Member.objects.filter(Exists(eligible)).aggregate(
        codes=Count("pk"), postal=Count("pk", filter=Q(email=""))
    )
    return {**counts, "emails": counts["codes"] - counts["postal"]}


@role_required(RETURNING_OFFICER)
def checklist_page(request, election_slug):
    """What must be right before voting opens; when all is, what opening will do, and the button."""
    election = get_object_or_404(Election, slug=election_slug)
    found = checklist.problems(election) if election.accepts_changes else []
    context = {
        "election": election,
        "problems": found,
        "mail_test": checklist.mail_tested(election),
        "counts": recipients(election) if election.accepts_changes and not found else None,
    }
    return render(request, "results/checklist.html", context)


class KeyForm(forms.Form):
    file = forms.FileField(
        label=_("The election's key file"), help_text=_("election-key.json from the key ceremony")
    )


@role_required(RETURNING_OFFICER)
def key_page(request, election_slug):
    """Install the trustees' key: the public half (election-key.json) of the ceremony, which is
    run offline with ``tallyroom keys ceremony``; allowed until voting opens."""
    election = get_object_or_404(Election, slug=election_slug)
    form = KeyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            key = keys.PublicKey.from_json(upload.read(64 * 1024).decode("utf-8", "replace"))
            box.install_key(election, key, request.user)
        except keys.ShareError as e:
            form.add_error("file", f"{upload.name}: {read(e.words) if e.words else e}")
        except box.BoxError as e:
            form.add_error("file", f"{upload.name}: {e}")
        else:
            messages.success(
                request, f"Key {key.fingerprint} installed: {key.threshold} of {len(key.trustees)} trustees."
            )
            return redirect("results:checklist", election_slug)
    installed = ElectionKey.objects.filter(election=election).first()
    context = {"election": election, "form": form, "installed": installed}
    return render(request, "results/key.html", context)


@require_POST
@role_required(RETURNING_OFFICER)
def mail_test(request, election_slug):
    election = get_object_or_404(Election, slug=election_slug)
    try:
        address = checklist.send_test_mail(election, request.user)
    except checklist.MailTestError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            gettext("A test email was sent to %(address)s: check that it arrived.") % {"address": address},
        )
    return redirect("results:checklist", election_slug)


@role_required(RETURNING_OFFICER)
def close_page(request, election_slug):
    """The confirmation before closing: how many have voted and how many it shuts out; says
    loudly when the scheduled close is still to come."""
    election = get_object_or_404(Election, slug=election_slug)
    if request.method == "POST":
        try:
            lifecycle.close_voting(election, request.user)
        except lifecycle.Refused as e:
            messages.error(request, str(e))
        else:
            messages.success(request, gettext("Voting is closed."))
        return redirect("results:election", election_slug)
    early = election.state == Election.State.VOTING and timezone.now() < election.voting_closes
    overall = turnout.overall(election) if election.state == Election.State.VOTING else None
    context = {"election": election, "early": early, "overall": overall}
    context["not_voted"] = overall.issued - overall.voted if overall else 0
    return render(request, "results/close.html", context)


# What each decision is: its verb, the page's title, the message once done, the state it needs.
DECISIONS = {
    "extend": (
        lifecycle.extend_voting,
        "Extend voting",
        "Voting now closes at {until:%H:%M on %d %B %Y}.",
        Election.State.VOTING,
    ),
    "reopen": (
        lifecycle.reopen_voting,
        "Reopen voting",
        "Voting is open again until {until:%H:%M on %d %B %Y}.",
        Election.State.CLOSED,
    ),
}


@role_required(RETURNING_OFFICER)
def decision(request, election_slug, kind):
    """Extend voting, or reopen it after an early close: a new close and a reason."""
    verb, title, done, allowed = DECISIONS[kind]
    election = get_object_or_404(Election, slug=election_slug)
    form = DecisionForm(request.POST or None, initial={"until": election.voting_closes})
    if request.method == "POST" and form.is_valid():
        try:
            verb(election, request.user, form.cleaned_data["until"], form.cleaned_data["reason"])
        except lifecycle.Refused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, done.format(until=timezone.localtime(election.voting_closes)))
            return redirect("results:election", election_slug)
    context = {"election": election, "form": form, "title": title, "allowed": election.state == allowed}
    return render(request, "results/decision.html", context)
