"""Staff forms for elections, contests, candidates, nominations and slates, with the engine's own
checks on methods, options and constraints."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.count import Constraint, ConstraintError, method_names, rule_set
from tallyroom.formats.ballotfile import clean_name
from tallyroom.formats.spreadsheet import refuse_formula
from tallyroom.roll.models import Member
from tallyroom.web.labels import FIELD_LABELS

from . import photos
from .ballot import RON_NAME
from .ballot_order import new_seed
from .method_options import (
    PREFIX,
    from_form,
    method_label,
    option_fields,
    option_text,
    options_by_method,
    to_form,
)
from .models import STATEMENT_LIMIT, Candidate, CandidatePhoto, Contest, Election, Nomination, Slate
from .names import name_problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ElectionForm(forms.ModelForm):
    class Meta:
        model = Election
        labels = FIELD_LABELS
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
            raise forms.ValidationError(
                gettext("'new' is taken by the page for a new election; choose another slug.")
            )
        return _fixed_slug(self.instance, self.cleaned_data["slug"], self.instance)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("voting_opens"), data.get("voting_closes")
        if opens and closes and closes <= opens:
            self.add_error("voting_closes", gettext("Voting must close after it opens."))
        nom_open, nom_close = data.get("nominations_open"), data.get("nominations_close")
        if nom_open and nom_close and nom_close <= nom_open:
            self.add_error("nominations_close", gettext("Nominations must close after they open."))
        return data


def _fixed_slug(instance, slug: str, election) -> str:
    """Public links (results, lists of ballots) carry slugs, so once voting has opened a slug stays."""
    if instance.pk and election is not None and not election.accepts_changes and slug != instance.slug:
        raise forms.ValidationError(
            gettext("The slug is fixed once voting has opened (it stays '%(slug)s').")
            % {"slug": instance.slug}
        )
    return slug


class ContestForm(forms.ModelForm):
    """A contest. Who may vote is an explicit choice: the whole membership (ticked), or the regions
    and units chosen; neither is refused, so no contest covers everyone by omission."""

    method = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label=_("Counting method"))
    whole_membership = forms.BooleanField(
        required=False,
        label=_("Open to the whole membership"),
        help_text=_("Tick if members of every region and unit may vote; otherwise choose regions or units."),
    )
    categories = forms.MultipleChoiceField(
        choices=Member.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who may vote; none ticked means every category."),
    )

    class Meta:
        model = Contest
        labels = FIELD_LABELS
        fields = [
            "slug",
            "name",
            "position",
            "seats",
            "method",
            "constraints",
            "ron",
            "tie_seed",
            "ballot_order",
            "ballot_seed",
            "nomination_threshold",
            "results_by_region",
            "region_minimum",
            "regions",
            "units",
            "categories",
            "paid_up_on",
        ]
        widgets = {
            "paid_up_on": DATE,
            "constraints": forms.Textarea(attrs={"rows": 3}),
            "regions": forms.CheckboxSelectMultiple,
            "units": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "tie_seed": _(
                "Draws the lot that settles a tie nothing else separates; published with the"
                " result. Blank: drawn at random when voting opens."
            ),
        }

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        if election is not None:
            self.instance.election = election
        self.fields["method"].choices = [(m, method_label(m)) for m in method_names()]
        self.initial.update(to_form(self.instance.options or {}))
        if self.instance.pk:
            self.initial["whole_membership"] = not (
                self.instance.regions.exists() or self.instance.units.exists()
            )
        fields = self.Meta.fields
        where = fields.index("regions")  # who may vote: the whole membership, or these areas
        voters = ["whole_membership", *fields[where:]]
        self.order_fields([*fields[:5], *option_fields(), *fields[5:where], *voters])
        self.fields["region_minimum"].required = False  # blank: the default, 50 ballots

    def clean_region_minimum(self):
        given = self.cleaned_data["region_minimum"]
        return Contest._meta.get_field("region_minimum").default if given is None else given

    def clean_seats(self):
        seats = self.cleaned_data["seats"]
        if seats < 1:
            raise forms.ValidationError(gettext("A contest elects at least one: give it 1 seat or more."))
        return seats

    def clean_slug(self):
        election = self.instance.election if self.instance.election_id else None
        return _fixed_slug(self.instance, self.cleaned_data["slug"], election)

    def clean_constraints(self):
        lines = [line.strip() for line in self.cleaned_data["constraints"].splitlines() if line.strip()]
        errors = []
        for number, line in enumerate(lines, 1):
            try:
                Constraint.parse(line)
            except ConstraintError as e:
                errors.append(gettext("Line %(number)s: %(problem)s") % {"number": number, "problem": e})
        if errors:
            raise forms.ValidationError(errors)
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        self._clean_options(data)
        self._clean_voters(data)
        if data.get("ballot_order") == Contest.BallotOrder.RANDOM and not data.get("ballot_seed"):
            data["ballot_seed"] = new_seed()
        slug = data.get("slug")
        election = data.get("election") or (self.instance.election if self.instance.election_id else None)
        if (
            slug
            and Contest.objects.filter(election=election, slug=slug).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("slug", gettext("Another contest in this election has this slug."))
        return data

    def _clean_options(self, data):
        method = data.get("method")
        if not method:
            return
        options = from_form(data)
        takes = options_by_method()[method]
        for option in options:
            if option not in takes:
                self.add_error(
                    PREFIX + option,
                    gettext("%(method)s has no such option: leave it blank.") % {"method": method},
                )
        try:
            rule_set(method, {k: v for k, v in options.items() if k in takes})
        except (ValueError, TypeError) as e:
            named = [o for o, v in options.items() if o in str(e) or option_text(v) in str(e)]
            wrong = PREFIX + named[0] if named else None
            self.add_error(wrong, str(e))
        else:
            self.instance.options = {k: v for k, v in options.items() if k in takes}

    def _clean_voters(self, data):
        chosen = bool(data.get("regions")) or bool(data.get("units"))
        if data.get("whole_membership") and chosen:
            self.add_error(
                "whole_membership",
                gettext(
                    "You ticked the whole membership and chose regions or units: untick it, or clear them."
                ),
            )
        elif not data.get("whole_membership") and not chosen:
            self.add_error(
                "whole_membership",
                gettext(
                    "Choose the regions or units whose members may vote, or tick "
                    "'Open to the whole membership'."
                ),
            )


# The options' fields come from the engine's rule sets; declared too, so the admin's form has them.
ContestForm.base_fields.update(option_fields())
ContestForm.declared_fields.update(option_fields())


class CandidateForm(forms.ModelForm):
    member_number = forms.CharField(
        required=False,
        label=_("Membership number"),
        help_text=_("Links the candidate to their member record."),
    )
    photo = forms.FileField(
        required=False,
        label=_("Photo"),
        help_text=_(
            "A JPEG or PNG of at most 5 MB; shown on the ballot and the results, scaled to 600 pixels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(required=False, label=_("Remove the photo"))
    statement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            _("Shown on the ballot and the results; at most {limit} characters."),
            limit=f"{STATEMENT_LIMIT:,}",
        ),
    )

    class Meta:
        model = Candidate
        labels = FIELD_LABELS
        fields = ["name", "unit", "groups", "statement", "position", "withdrawn"]

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contest is not None:
            self.instance.contest = contest
        if self.instance.member_id:
            self.initial["member_number"] = self.instance.member.number
        if not (self.instance.pk and CandidatePhoto.objects.filter(candidate=self.instance).exists()):
            del self.fields["remove_photo"]

    def clean_name(self):
        problem = name_problem(self.cleaned_data["name"])
        if problem:
            raise forms.ValidationError(problem)
        name = clean_name(self.cleaned_data["name"])
        if name.casefold() == RON_NAME.casefold():
            raise forms.ValidationError(
                gettext("'%(name)s' is reserved for the RON option.") % {"name": RON_NAME}
            )
        others = Candidate.objects.filter(contest=self.instance.contest, name=name).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError(gettext("Another candidate in this contest has this name."))
        return name

    def clean_statement(self):
        statement = self.cleaned_data["statement"].strip().replace("\r\n", "\n")
        if len(statement) > STATEMENT_LIMIT:
            raise forms.ValidationError(
                gettext("The statement has %(length)s characters: shorten it to %(limit)s.")
                % {"length": f"{len(statement):,}", "limit": f"{STATEMENT_LIMIT:,}"}
            )
        return statement

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        for group in groups.split(","):
            _refuse_formula(group.strip(), "A group")
        return groups

    def clean_member_number(self):
        number = self.cleaned_data["member_number"].strip()
        if not number:
            return None
        member = Member.objects.filter(number=number).first()
        if member is None:
            raise forms.ValidationError(gettext("No member has number %(number)s.") % {"number": number})
        return member

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        return photos.reencoded(upload) if upload else None

    def save(self, commit=True):
        self.instance.member = self.cleaned_data["member_number"]
        candidate = super().save(commit)
        if self.cleaned_data.get("remove_photo"):
            CandidatePhoto.objects.filter(candidate=candidate).delete()
        elif self.cleaned_data["photo"]:
            image, content_type = self.cleaned_data["photo"]
            CandidatePhoto.objects.update_or_create(
                candidate=candidate,
                defaults={"image": image, "content_type": content_type, "digest": photos.digest(image)},
            )
        return candidate


def _refuse_formula(text: str, what: str) -> None:
    """Groups travel verbatim in groups.csv (a recount file), and slates' names in a forecast's
    slates.csv, so one that a spreadsheet would run is refused here rather than altered there
    (candidates' names: ``names.name_problem``)."""
    try:
        refuse_formula(text, what)
    except ValueError as e:
        raise forms.ValidationError(str(e)) from None


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
        self.fields["unit"].empty_label = self.fields["affiliate"].empty_label = gettext("(none)")

    def clean(self):
        data = super().clean()
        unit, affiliate = data.get("unit"), data.get("affiliate")
        nominator = {"unit": unit} if unit else {"affiliate": affiliate} if affiliate else None
        if nominator and Nomination.objects.filter(candidate=self.instance.candidate, **nominator).exists():
            raise forms.ValidationError(
                gettext("%(nominator)s has already nominated this candidate.")
                % {"nominator": unit or affiliate}
            )
        return data


class SlateForm(forms.ModelForm):
    class Meta:
        model = Slate
        labels = FIELD_LABELS
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
        _refuse_formula(name, "A slate's name")  # it is each candidate's group in a forecast's slates.csv
        others = Slate.objects.filter(election=self.instance.election, name=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(gettext("Another slate in this election has this name."))
        return name
