"""Forms for the roll pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RollDecision


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Members CSV file"), help_text=_("UTF-8 CSV with a header row; see the columns below.")
    )


class DecisionForm(forms.Form):
    eligible = forms.TypedChoiceField(
        choices=[("yes", _("Eligible: may vote")), ("no", _("Excluded: may not vote"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    kind = forms.ChoiceField(choices=RollDecision.Kind.choices, initial=RollDecision.Kind.APPEAL)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Recorded in the audit trail.")
    )


class RollSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Membership number or name"))
    standing = forms.ChoiceField(
        required=False,
        choices=[("", _("Everyone")), ("eligible", _("Eligible")), ("excluded", _("Excluded"))],
        label=_("Show"),
    )
    reason = forms.CharField(required=False, label=_("Reason contains"))


class ContactForm(forms.Form):
    email = forms.EmailField(required=False)
    address = forms.CharField(
        required=False, label=_("Postal address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the member asked for it; recorded in the audit trail with the old and new values."),
    )
