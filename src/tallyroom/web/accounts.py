"""Staff accounts and their roles, managed by the returning officer on a page of the site (not the
Django admin). Roles are Django groups (see ``access``). Two guards: an officer cannot take away
their own officer role or switch off their own account (so the election is never left without
one), and only a superuser may change a superuser's account. A new account is given a one-time
set-up code for its second factor (``enrolment``), shown once, for the officer to pass on. A staff
member who has lost their authenticator has it reset by the officer (never their own): the device
is deleted, a recorded decision with a reason, and a new set-up code is shown."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from tallyroom.audit.events import record

from . import enrolment
from .access import RETURNING_OFFICER, ROLE_DUTIES, ROLE_NAMES, ROLES, role_required


class AccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=[(r, format_lazy("{}: {}", ROLE_NAMES[r], ROLE_DUTIES[r])) for r in ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this account may do; none means it can only sign in."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Blank keeps the current password (a new account needs one)."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]
        labels = {"is_active": _("May sign in")}
        help_texts = {
            "username": _("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
            "is_active": _("Untick to switch the account off without deleting its history."),
        }

    def __init__(self, *args, officer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        if self.instance.pk:
            self.initial["roles"] = list(
                self.instance.groups.filter(name__in=ROLES).values_list("name", flat=True)
            )

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one != two:
            self.add_error("password2", gettext("The two passwords differ."))
        elif not one and not self.instance.pk:
            self.add_error("password1", gettext("A new account needs a password."))
        elif one:
            try:
                password_validation.validate_password(one, self.instance)
            except forms.ValidationError as e:
                self.add_error("password1", e)
        if self.instance.pk and self.instance.pk == getattr(self.officer, "pk", None):
            if RETURNING_OFFICER not in data.get("roles", []) and not self.instance.is_superuser:
                self.add_error("roles", _("You cannot take away your own returning officer role."))
            if not data.get("is_active"):
                self.add_error("is_active", _("You cannot switch off your own account."))
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        user.save()
        keep = user.groups.exclude(name__in=ROLES)
        roles = [Group.objects.get_or_create(name=r)[0] for r in self.cleaned_data["roles"]]
        user.groups.set([*keep, *roles])
        return user


class ResetForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why, for the audit trail (for example: phone lost, confirmed by telephone)."),
    )


def _may_change(request, account) -> None:
    if account.is_superuser and not request.user.is_superuser:
        raise PermissionDenied("only a superuser changes a superuser's account")


@role_required(RETURNING_OFFICER)
def accounts(request):
    users = User.objects.prefetch_related("groups").order_by("username")
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        (u, [ROLE_NAMES[g.name] for g in u.groups.all() if g.name in ROLES], u.pk in enrolled) for u in users
    ]
    return render(request, "web/accounts.html", {"rows": rows})


@role_required(RETURNING_OFFICER)
def account_edit(request, pk=None):
    account = get_object_or_404(User, pk=pk) if pk else None
    if account is not None:
        _may_change(request, account)
    form = AccountForm(request.POST or None, instance=account, officer=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            changed = sorted(f for f in form.changed_data if not f.startswith("password"))
            record(
                request.user,
                "user.create" if account is None else "user.change",
                f"user:{user.pk}",
                name=user.get_username(),
                roles=sorted(form.cleaned_data["roles"]),
                fields=changed + (["password"] if form.cleaned_data.get("password1") else []),
            )
        if account is None:
            return _show_code(request, user, enrolment.issue(user, request.user))
        messages.success(request, gettext("Saved the account %(name)s.") % {"name": user.get_username()})
        return redirect("accounts")
    title = (
        gettext("Account %(name)s") % {"name": account.get_username()}
        if account
        else gettext("New staff account")
    )
    return render(request, "elections/form.html", {"form": form, "title": title, "back": reverse("accounts")})


@require_POST
@role_required(RETURNING_OFFICER)
def account_set_up_code(request, pk):
    """A new one-time set-up code for an account that has no second factor yet."""
    account = get_object_or_404(User, pk=pk)
    _may_change(request, account)
    if TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        messages.error(
            request,
            gettext("%(name)s has set up their second factor already.") % {"name": account.get_username()},
        )
        return redirect("accounts")
    return _show_code(request, account, enrolment.issue(account, request.user))


@role_required(RETURNING_OFFICER)
def account_reset_authenticator(request, pk):
    """Delete a staff member's authenticator (lost or replaced phone), after a confirmation page
    with a reason: its codes stop working and any session it verified needs a code again; the
    account then sets up a new one with the set-up code shown. Never the officer's own."""
    account = get_object_or_404(User, pk=pk)
    _may_change(request, account)
    if account.pk == request.user.pk:
        raise PermissionDenied("another returning officer or a superuser resets your own authenticator")
    devices = TOTPDevice.objects.filter(user=account)
    if not devices.filter(confirmed=True).exists():
        messages.error(
            request,
            gettext("%(name)s has no authenticator set up; issue a set-up code.")
            % {"name": account.get_username()},
        )
        return redirect("accounts")
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            removed, _by_model = devices.delete()
            record(
                request.user,
                "account.two_factor_reset",
                f"user:{account.pk}",
                name=account.get_username(),
                reason=form.cleaned_data["reason"],
                devices=removed,
            )
            code = enrolment.issue(account, request.user)
        return _show_code(request, account, code)
    return render(request, "web/reset_authenticator.html", {"account": account, "form": form})


def _show_code(request, account, code: str):
    context = {"account": account, "code": code, "hours": int(enrolment.lifetime().total_seconds() // 3600)}
    return render(request, "web/set_up_code.html", context)
