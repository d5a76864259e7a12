"""``{{ name|choice:poll }}``: a candidate's or a show of hands' name as the reader sees it
(``polls.shown_choice``: a motion's For, Against and Abstain in the active language)."""

from django import template

from tallyroom.conference.polls import shown_choice

register = template.Library()


@register.filter
def choice(name: str, poll) -> str:
    return shown_choice(poll, name)
