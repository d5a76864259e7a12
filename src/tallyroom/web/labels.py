"""The staff forms' labels of model fields that have no verbose name of their own (Django would
label them from the field's name, in English only): one dict, given as ``Meta.labels``."""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "slug": _("Slug"),
    "name": _("Name"),
    "description": _("Description"),
    "nominations_open": _("Nominations open"),
    "nominations_close": _("Nominations close"),
    "freeze_date": _("Freeze date"),
    "voting_opens": _("Voting opens"),
    "voting_closes": _("Voting closes"),
    "position": _("Position"),
    "seats": _("Seats"),
    "constraints": _("Constraints"),
    "tie_seed": _("Tie seed"),
    "ballot_order": _("Ballot order"),
    "ballot_seed": _("Ballot seed"),
    "nomination_threshold": _("Nomination threshold"),
    "regions": _("Regions"),
    "units": _("Units"),
    "categories": _("Categories"),
    "paid_up_on": _("Paid up on"),
    "unit": _("Unit"),
    "groups": _("Groups"),
    "statement": _("Statement"),
    "withdrawn": _("Withdrawn"),
    "colour": _("Colour"),
    "show_on_ballot": _("Show on ballot"),
    "candidates": _("Candidates"),
    "code": _("Code"),
    "kind": _("Kind"),
    "region": _("Region"),
    "affiliated_members": _("Affiliated members"),
}
