"""The counting methods and their options as labelled form fields, from the engine's own rule sets
(``tallyroom.count.rules``): staff pick a method from a list that says what each one is, and change
an option in a field that names it, never in raw JSON.

Every option of every algorithm gets one field, ``option_<name>``; blank keeps the method's rule.
Options listed in ``CHOICES`` offer their values by name; others take what their type takes.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.count import method_names, rule_set
from tallyroom.count.ties import RULES as TIE_RULES

PREFIX = "option_"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]

LABELS = {
    "quota": _("Quota"),
    "places": _("Decimal places (precision of votes and transfer values)"),
    "rounding": _("Rounding of transfer values"),
    "surplus_order": _("Order of transferring surpluses"),
    "tolerance": _("Tolerance (Meek: when keep values are settled)"),
    "ties": _("Ties broken by"),
    "marks": _("Marks that count"),
    "bulk_exclusion": _("Exclude in bulk"),
}
CHOICES = {
    "quota": {
        "droop": _("Droop: whole votes over seats + 1, plus 1"),
        "droop-exact": _("Droop exact (Hagenbach-Bischoff): votes over seats + 1, to be exceeded"),
        "hare": _("Hare: votes over seats"),
    },
    "rounding": {"down": _("Truncated (down)"), "nearest": _("Rounded half up")},
    "surplus_order": {"largest": _("Largest surplus first"), "elected": _("In the order elected")},
    "marks": {
        "first": _("First preference only"),
        "seats": _("The first N, N being the seats"),
        "all": _("Every mark"),
    },
}


def method_label(name: str) -> str:
    """``name`` and its rule set's description (rules.toml), in the active language: our
    makemessages puts every description in the catalogue."""
    return f"{name}: {gettext(rule_set(name).description)}"


# The rule sets' names in tables and lists, where the whole description would not fit.
SHORT_NAMES = {
    "plurality": _("First past the post"),
    "block": _("Block vote"),
    "approval": _("Approval"),
    "irv": _("Alternative vote"),
    "scottish-stv": _("Scottish STV"),
    "wigm": _("STV (WIGM)"),
    "ers97": _("STV (ERS97)"),
    "meek": _("Meek STV"),
}


def short_name(method: str) -> str:
    """``method`` as a person calls it ("Scottish STV"), or the code itself if it has no name."""
    return str(SHORT_NAMES.get(method, method))


@cache
def options_by_method() -> dict[str, dict[str, object]]:
    """Each method's options with the values its rule set fixes."""
    return {name: rule_set(name).options_dict() for name in method_names()}


def _kind(option: str):
    """The default value of ``option`` in the first algorithm that has it (its type rules the field)."""
    for name in method_names():
        for f in dataclasses.fields(rule_set(name).options):
            if f.name == option:
                return f.default
    raise KeyError(option)


def _help(option: str) -> str:
    """The field's hint in the active language (the fields are made once, so it is lazy)."""
    methods = options_by_method().items()
    rules = ", ".join(f"{name} {option_text(values[option])}" for name, values in methods if option in values)
    text = gettext("Blank keeps the method's rule (%(rules)s).") % {"rules": rules}
    if option == "ties":
        names = ", ".join(TIE_RULES)  # as typed in the field, so not translated
        text += " " + gettext("In turn, separated by commas, from: %(names)s.") % {"names": names}
    return text


_lazy_help = lazy(_help, str)


def option_text(value) -> str:
    """An option's value as a form field shows it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(value) if isinstance(value, tuple | list) else str(value)


def _field(option: str) -> forms.Field:
    label, help_text = LABELS.get(option, option.replace("_", " ").capitalize()), _lazy_help(option)
    default = _kind(option)
    blank = [("", _("The method's rule"))]
    if option in CHOICES:
        choices = blank + list(CHOICES[option].items())
        return forms.ChoiceField(label=label, choices=choices, required=False, help_text=help_text)
    if isinstance(default, bool):
        return forms.ChoiceField(label=label, choices=blank + YES_NO, required=False, help_text=help_text)
    if isinstance(default, int):
        return forms.IntegerField(label=label, required=False, min_value=0, help_text=help_text)
    return forms.CharField(label=label, required=False, help_text=help_text)


def option_fields() -> dict[str, forms.Field]:
    names = dict.fromkeys(o for values in options_by_method().values() for o in values)
    return {PREFIX + o: _field(o) for o in names}


def from_form(data: dict) -> dict[str, object]:
    """The options set in cleaned form ``data`` (blank fields left out), as the rule set takes them."""
    options = {}
    for key, value in data.items():
        if not key.startswith(PREFIX) or value in (None, ""):
            continue
        option = key.removeprefix(PREFIX)
        default = _kind(option)
        if isinstance(default, bool):
            value = value == "yes"
        elif isinstance(default, tuple):
            value = [v.strip() for v in str(value).split(",") if v.strip()]
        options[option] = value
    return options


def to_form(options: dict) -> dict[str, object]:
    """Initial values of the option fields for a contest's stored ``options``."""
    shown = {k: option_text(v) if isinstance(v, bool | list | tuple) else v for k, v in options.items()}
    return {PREFIX + k: v for k, v in shown.items()}
