"""Voting pages."""

from django.http import HttpResponse


def enter(request):
    return HttpResponse("voting")


ballot = cast_view = enter
