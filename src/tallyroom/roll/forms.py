"""Forms for the roll pages."""

from django import forms

from .models import RollDecision


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Members CSV file", help_text="UTF-8 CSV with a header row; see the columns below."
    )


class DecisionForm(forms.Form):
    eligible = forms.TypedChoiceField(
        choices=[("yes", "Eligible: may vote"), ("no", "Excluded: may not vote")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Decision",
    )
    kind = forms.ChoiceField(choices=RollDecision.Kind.choices, initial=RollDecision.Kind.APPEAL)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Recorded in the audit trail."
    )


class RollSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Membership number or name")
    standing = forms.ChoiceField(
        required=False,
        choices=[("", "Everyone"), ("eligible", "Eligible"), ("excluded", "Excluded")],
        label="Show",
    )
    reason = forms.CharField(required=False, label="Reason contains")


class ContactForm(forms.Form):
    email = forms.EmailField(required=False)
    address = forms.CharField(
        required=False, label="Postal address", widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the member asked for it; recorded in the audit trail with the old and new values.",
    )
