"""The audit trail for scrutineers and the returning officer: every event, and whether the chain
verifies."""

from django.core.paginator import Paginator
from django.shortcuts import render

from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, role_required

from .events import verify
from .models import Event
from .subjects import subject_names

PER_PAGE = 100


@role_required(RETURNING_OFFICER, SCRUTINEER)
def events(request):
    page = Paginator(Event.objects.order_by("-seq"), PER_PAGE).get_page(request.GET.get("page"))
    names = subject_names(page.object_list)
    for event in page.object_list:
        event.subject_name = names.get(event.subject, "")
    return render(request, "audit/events.html", {"page": page, "problems": verify()})
