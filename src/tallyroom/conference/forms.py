"""The chair's form for a new poll: a motion or a contest, who votes, how it is decided, and the
public half of this poll's own key from its key ceremony."""

from __future__ import annotations

from fractions import Fraction

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.ballotbox import keys
from tallyroom.count import CollegeError, method_names, parse_share
from tallyroom.count.colleges import check_shares
from tallyroom.words import read


class PollForm(forms.Form):
    title = forms.CharField(max_length=150, label=_("Title"))
    candidates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label=_("Candidates"),
        help_text=_("one a line; none: a motion (For or Against)"),
    )
    method = forms.ChoiceField(
        initial="scottish-stv",
        label=_("Method"),
        help_text=_("how a contest is counted (a motion: plurality)"),
    )
    seats = forms.IntegerField(min_value=1, initial=1, label=_("Seats"))
    college = forms.ChoiceField(required=False, label=_("Who votes"))
    college_shares = forms.CharField(
        required=False,
        label=_("Decided by colleges"),
        help_text=_("e.g. clp=1/2 affiliates=1/2; empty: every delegate's weight counts as cast"),
    )
    ballots_public = forms.BooleanField(
        required=False, initial=True, label=_("Publish the weighted ballots (else to scrutineers only)")
    )
    key = forms.FileField(
        label=_("This poll's key file"), help_text=_("election-key.json from its key ceremony")
    )

    def __init__(self, colleges: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleges = colleges
        self.fields["method"].choices = [(m, m) for m in method_names()]
        self.fields["college"].choices = [
            ("", _("every delegation")),
            *((c, gettext("%(college)s delegations only") % {"college": c}) for c in colleges),
        ]

    def clean_candidates(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["candidates"].splitlines() if line.strip()]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise forms.ValidationError(gettext("%(names)s named twice") % {"names": ", ".join(twice)})
        if len(names) == 1:
            raise forms.ValidationError(gettext("a contest needs two candidates or more (none: a motion)"))
        return names

    def clean_college_shares(self) -> dict[str, str]:
        text = self.cleaned_data["college_shares"].replace(",", " ").split()
        shares: dict[str, Fraction] = {}
        for item in text:
            name, sep, share = item.partition("=")
            if not sep or not name:
                raise forms.ValidationError(
                    gettext("write each college as NAME=SHARE, not %(item)r") % {"item": item}
                )
            if name not in self.colleges:
                raise forms.ValidationError(
                    gettext("no delegation is in college %(college)r") % {"college": name}
                )
            try:
                shares[name] = parse_share(share)
            except ValueError as e:
                raise forms.ValidationError(str(e)) from None
        if shares:
            try:
                check_shares(list(shares), shares)
            except CollegeError as e:
                raise forms.ValidationError(str(e)) from None
        return {name: str(share) for name, share in shares.items()}

    def clean_key(self) -> keys.PublicKey:
        upload = self.cleaned_data["key"]
        try:
            return keys.PublicKey.from_json(upload.read(64 * 1024).decode("utf-8", "replace"))
        except keys.ShareError as e:
            raise forms.ValidationError(f"{upload.name}: {read(e.words) if e.words else e}") from None

    def clean(self):
        data = super().clean()
        if data.get("college") and data.get("college_shares"):
            raise forms.ValidationError(
                gettext("a poll of one college's delegations is not decided by colleges")
            )
        return data
