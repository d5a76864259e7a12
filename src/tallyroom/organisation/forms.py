"""Staff forms for regions, units and affiliates."""

from django import forms

from .models import Affiliate, Region, Unit


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name"]
        help_texts = {"code": "Short, for files and addresses: letters, digits, - and _, e.g. london."}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "region"]
        help_texts = {"code": "As in the members file's unit column, e.g. hackney-south."}


class AffiliateForm(forms.ModelForm):
    class Meta:
        model = Affiliate
        fields = ["code", "name", "kind", "affiliated_members"]
        help_texts = {"affiliated_members": "Weighs its delegates' card votes."}
