"""Staff forms for elections, contests, candidates, nominations and slates, with the engine's own
checks on methods, options and constraints."""

from __future__ import annotations

import json

from django import forms

from tallyroom.count import Constraint, ConstraintError, method_names, rule_set
from tallyroom.formats.ballotfile import clean_name
from tallyroom.roll.models import Member

from .ballot import RON_NAME
from .models import Candidate, Contest, Election, Nomination, Slate
from .names import name_problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ElectionForm(forms.ModelForm):
    class Meta:
        model = Election
        fields = [
            "slug",
            "name",
            "description",
            "nominations_open",
            "nominations_close",
            "freeze_date",
            "voting_opens",
            "voting_closes",
        ]
        widgets = {
            "freeze_date": DATE,
            "nominations_open": DATETIME,
            "nominations_close": DATETIME,
            "voting_opens": DATETIME,
            "voting_closes": DATETIME,
        }

    def clean_slug(self):
        if self.cleaned_data["slug"] == "new":
            raise forms.ValidationError("'new' is taken by the page for a new election; choose another slug.")
        return self.cleaned_data["slug"]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("voting_opens"), data.get("voting_closes")
        if opens and closes and closes <= opens:
            self.add_error("voting_closes", "Voting must close after it opens.")
        nom_open, nom_close = data.get("nominations_open"), data.get("nominations_close")
        if nom_open and nom_close and nom_close <= nom_open:
            self.add_error("nominations_close", "Nominations must close after they open.")
        return data


class ContestForm(forms.ModelForm):
    method = forms.ChoiceField(choices=[])
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Changes to the method\'s options as JSON, e.g. {"quota": "droop-exact"}; blank for none.',
    )
    categories = forms.MultipleChoiceField(
        choices=Member.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who may vote; none ticked means every category.",
    )

    class Meta:
        model = Contest
        fields = [
            "slug",
            "name",
            "position",
            "seats",
            "method",
            "options",
            "constraints",
            "ron",
            "tie_seed",
            "nomination_threshold",
            "regions",
            "units",
            "categories",
            "paid_up_on",
        ]
        widgets = {"paid_up_on": DATE, "constraints": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        if election is not None:
            self.instance.election = election
        self.fields["method"].choices = [(m, m) for m in method_names()]
        self.initial["options"] = json.dumps(self.instance.options) if self.instance.options else ""

    def clean_options(self):
        text = self.cleaned_data["options"].strip()
        if not text:
            return {}
        try:
            options = json.loads(text)
        except json.JSONDecodeError as e:
            raise forms.ValidationError(f"Not JSON: {e}") from None
        if not isinstance(options, dict):
            raise forms.ValidationError('Give the options as a JSON object, e.g. {"quota": "droop-exact"}.')
        return options

    def clean_constraints(self):
        lines = [line.strip() for line in self.cleaned_data["constraints"].splitlines() if line.strip()]
        errors = []
        for number, line in enumerate(lines, 1):
            try:
                Constraint.parse(line)
            except ConstraintError as e:
                errors.append(f"Line {number}: {e}")
        if errors:
            raise forms.ValidationError(errors)
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        if "method" in data and "options" in data:
            try:
                rule_set(data["method"], data["options"])
            except (ValueError, TypeError) as e:
                self.add_error("options", str(e))
        slug = data.get("slug")
        election = data.get("election") or (self.instance.election if self.instance.election_id else None)
        if (
            slug
            and Contest.objects.filter(election=election, slug=slug).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("slug", "Another contest in this election has this slug.")
        return data


class CandidateForm(forms.ModelForm):
    member_number = forms.CharField(
        required=False, label="Membership number", help_text="Links the candidate to their member record."
    )

    class Meta:
        model = Candidate
        fields = ["name", "unit", "groups", "statement", "position", "withdrawn"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contest is not None:
            self.instance.contest = contest
        if self.instance.member_id:
            self.initial["member_number"] = self.instance.member.number

    def clean_name(self):
        problem = name_problem(self.cleaned_data["name"])
        if problem:
            raise forms.ValidationError(problem)
        name = clean_name(self.cleaned_data["name"])
        if name.casefold() == RON_NAME.casefold():
            raise forms.ValidationError(f"{RON_NAME!r} is reserved for the RON option.")
        others = Candidate.objects.filter(contest=self.instance.contest, name=name).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError("Another candidate in this contest has this name.")
        return name

    def clean_member_number(self):
        number = self.cleaned_data["member_number"].strip()
        if not number:
            return None
        member = Member.objects.filter(number=number).first()
        if member is None:
            raise forms.ValidationError(f"No member has number {number}.")
        return member

    def save(self, commit=True):
        self.instance.member = self.cleaned_data["member_number"]
        return super().save(commit)


class NominationForm(forms.ModelForm):
    """A nomination of ``candidate``: by a unit or an affiliate (the model's constraint says which
    is missing), received at a date and time (default now)."""

    class Meta:
        model = Nomination
        fields = ["unit", "affiliate", "received"]
        widgets = {"received": DATETIME}

    def __init__(self, *args, candidate=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_nomination{candidate.pk}_%s" if candidate else "id_%s")
        super().__init__(*args, **kwargs)
        if candidate is not None:
            self.instance.candidate = candidate
        self.fields["unit"].empty_label = self.fields["affiliate"].empty_label = "(none)"

    def clean(self):
        data = super().clean()
        unit, affiliate = data.get("unit"), data.get("affiliate")
        nominator = {"unit": unit} if unit else {"affiliate": affiliate} if affiliate else None
        if nominator and Nomination.objects.filter(candidate=self.instance.candidate, **nominator).exists():
            raise forms.ValidationError(f"{unit or affiliate} has already nominated this candidate.")
        return data


class SlateForm(forms.ModelForm):
    class Meta:
        model = Slate
        fields = ["name", "colour", "show_on_ballot", "candidates"]
        widgets = {
            "candidates": forms.CheckboxSelectMultiple,
            "colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        if election is not None:
            self.instance.election = election
        self.fields["candidates"].queryset = Candidate.objects.filter(
            contest__election=self.instance.election
        ).select_related("contest")
        self.fields["candidates"].label_from_instance = lambda c: f"{c.name} ({c.contest.name})"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Slate.objects.filter(election=self.instance.election, name=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Another slate in this election has this name.")
        return name
