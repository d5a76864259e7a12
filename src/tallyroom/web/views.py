"""The front page (elections, with links for voters, staff and readers of results), and the page
for a form that failed its CSRF check."""

from django.shortcuts import render

from tallyroom.elections.models import Election

from .access import APPEALS_PANEL, RETURNING_OFFICER, SCRUTINEER, STAFF, has_role


def home(request):
    return render(
        request,
        "web/home.html",
        {
            "elections": Election.objects.prefetch_related("contests"),
            "is_officer": has_role(request.user, RETURNING_OFFICER),
            "is_staff_member": has_role(request.user, STAFF, RETURNING_OFFICER),
            "is_scrutineer": has_role(request.user, SCRUTINEER, RETURNING_OFFICER),
            "is_panel": has_role(request.user, APPEALS_PANEL),
        },
    )


def csrf_failure(request, reason=""):
    """A form posted without its CSRF check: the site's own page (403), not Django's bare one."""
    return render(request, "403_csrf.html", status=403)
