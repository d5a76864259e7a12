"""Staff forms for regions, units and affiliates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tallyroom.web.labels import FIELD_LABELS

from .models import Affiliate, Region, Unit


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        labels = FIELD_LABELS
        fields = ["code", "name"]
        help_texts = {"code": _("Short, for files and addresses: letters, digits, - and _, e.g. london.")}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        labels = FIELD_LABELS
        fields = ["code", "name", "kind", "region"]
        help_texts = {"code": _("As in the members file's unit column, e.g. hackney-south.")}


class AffiliateForm(forms.ModelForm):
    class Meta:
        model = Affiliate
        labels = FIELD_LABELS
        fields = ["code", "name", "kind", "affiliated_members"]
        help_texts = {"affiliated_members": _("Weighs its delegates' card votes.")}
