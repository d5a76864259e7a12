"""Staff accounts and their roles, managed by the returning officer on a page of the site (not the
Django admin). Roles are Django groups (see ``access``). Two guards: an officer cannot take away
their own officer role or switch off their own account (so the election is never left without
one), and only a superuser may change a superuser's account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.audit.events import record

from .access import RETURNING_OFFICER, ROLE_DUTIES, ROLE_NAMES, ROLES, role_required


class AccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=[(r, f"{ROLE_NAMES[r]}: {ROLE_DUTIES[r]}") for r in ROLES],
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
        help_texts = {"is_active": _("Untick to switch the account off without deleting its history.")}

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
            self.add_error("password2", "The two passwords differ.")
        elif not one and not self.instance.pk:
            self.add_error("password1", "A new account needs a password.")
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


@role_required(RETURNING_OFFICER)
def accounts(request):
    users = User.objects.prefetch_related("groups").order_by("username")
    rows = [(u, [ROLE_NAMES[g.name] for g in u.groups.all() if g.name in ROLES]) for u in users]
    return render(request, "web/accounts.html", {"rows": rows})


@role_required(RETURNING_OFFICER)
def account_edit(request, pk=None):
    account = get_object_or_404(User, pk=pk) if pk else None
    if account is not None and account.is_superuser and not request.user.is_superuser:
        raise PermissionDenied("only a superuser changes a superuser's account")
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
        messages.success(request, gettext("Saved the account %(name)s.") % {"name": user.get_username()})
        return redirect("accounts")
    title = (
        gettext("Account %(name)s") % {"name": account.get_username()}
        if account
        else gettext("New staff account")
    )
    return render(request, "elections/form.html", {"form": form, "title": title, "back": reverse("accounts")})
