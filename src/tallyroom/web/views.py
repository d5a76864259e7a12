"""The front page: elections, with links for voters, staff and readers of results."""

from django.shortcuts import render

from tallyroom.elections.models import Election

from .access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role


def home(request):
    return render(
        request,
        "web/home.html",
        {
            "elections": Election.objects.prefetch_related("contests"),
            "is_officer": has_role(request.user, RETURNING_OFFICER),
            "is_staff_member": has_role(request.user, STAFF, RETURNING_OFFICER),
            "is_scrutineer": has_role(request.user, SCRUTINEER, RETURNING_OFFICER),
        },
    )
