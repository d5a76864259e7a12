"""The returning officer's set-up pages for appeals: an election's rules (``rules``: deadline,
quorum, days to decide, evidence files) and the appeals panel (``panel``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tallyroom.elections.models import Election
from tallyroom.web.access import RETURNING_OFFICER, role_required

from . import evidence, setup
from .cases import rules_of
from .models import Panellist
from .views import panel_users


def _number(label, help_text, low: int, high: int | None = None, required: bool = True):
    return forms.IntegerField(
        label=label, help_text=help_text, min_value=low, max_value=high, required=required
    )


class RulesForm(forms.Form):
    appeals_close = forms.DateTimeField(
        label=_("Appeals close"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("No appeal is lodged after this moment; members are told the deadline."),
    )
    quorum = _number(_("Quorum"), _("Panel members who must sit on each decision."), 1, 99)
    days_to_decide = _number(
        _("Days to decide"),
        _("A case is due this many days after it is lodged (never after voting closes), then overdue."),
        1,
        365,
    )
    max_files = _number(_("Evidence files an appeal may bring"), _("0 takes no files."), 0, 20)
    max_file_kb = _number(
        _("Largest evidence file, in kilobytes"),
        _("Blank: the deployment's limit, which no election goes above."),
        1,
        required=False,
    )

    def clean_max_file_kb(self):
        kb, most = self.cleaned_data["max_file_kb"], evidence.max_bytes()
        if kb is not None and kb * 1024 > most:
            raise forms.ValidationError(
                _("At most %(kb)s kilobytes: the deployment's limit.") % {"kb": f"{most // 1024:,}"}
            )
        return kb


@role_required(RETURNING_OFFICER)
def rules(request, election: str):
    """Set or change the election's appeal rules."""
    found = get_object_or_404(Election, slug=election)
    current = rules_of(found)
    initial = (
        {
            "appeals_close": timezone.localtime(current.appeals_close),
            "quorum": current.quorum,
            "days_to_decide": current.days_to_decide,
            "max_files": current.max_files,
            "max_file_kb": current.max_file_bytes // 1024 if current.max_file_bytes else None,
        }
        if current
        else {
            "appeals_close": timezone.localtime(found.voting_closes),
            "quorum": 2,
            "days_to_decide": 7,
            "max_files": evidence.MAX_FILES,
        }
    )
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        setup.save_rules(
            found,
            request.user,
            appeals_close=data["appeals_close"],
            quorum=data["quorum"],
            days_to_decide=data["days_to_decide"],
            max_files=data["max_files"],
            max_file_bytes=data["max_file_kb"] * 1024 if data["max_file_kb"] else None,
        )
        messages.success(request, _("Saved the appeal rules of %(election)s.") % {"election": found.name})
        return redirect("appeals:rules", election=found.slug)
    context = {
        "election": found,
        "form": form,
        "current": current,
        "panel_size": panel_users().count(),
        "limits": evidence.limits_of(current),
        "deployment_bytes": evidence.max_bytes(),
    }
    return render(request, "appeals/rules.html", context, status=400 if form.errors else 200)


class AppointForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        label=_("Account"),
        help_text=_("A staff account (make one on the staff accounts page first)."),
    )
    number = forms.CharField(
        label=_("Their membership number"),
        required=False,
        max_length=64,
        help_text=_(
            "If the panel member is a party member: it excludes them from cases in their own unit "
            "and from elections they stand in."
        ),
    )

    def clean_number(self):
        try:
            return setup.member_by_number(self.cleaned_data["number"])
        except setup.SetupRefused as e:
            raise forms.ValidationError(str(e)) from None


@role_required(RETURNING_OFFICER)
def panel(request):
    """The appeals panel: appoint an account (or change a panel member's membership record)."""
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account, member = form.cleaned_data["account"], form.cleaned_data["number"]
        setup.appoint(account, member, request.user)
        messages.success(request, _("%(name)s is on the appeals panel.") % {"name": account.get_username()})
        return redirect("appeals:panel")
    seats = dict(Panellist.objects.values_list("user_id", "member__number"))
    rows = [(u, seats.get(u.pk) or "") for u in panel_users()]
    context = {"form": form, "rows": rows, "elections": Election.objects.all()}
    return render(request, "appeals/panel.html", context, status=400 if form.errors else 200)


@role_required(RETURNING_OFFICER)
@require_POST
def panel_remove(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    try:
        setup.remove(account, request.user)
    except setup.SetupRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("%(name)s is off the appeals panel.") % {"name": account.get_username()})
    return redirect("appeals:panel")
