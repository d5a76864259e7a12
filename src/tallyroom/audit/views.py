"""The audit trail for scrutineers and the returning officer: every event, whether the trail
verifies, and its export; the signing public key for anyone."""

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, role_required

from . import election_keys, signing
from .events import SYSTEM, record, verify
from .export import export_lines
from .models import Event, SigningKey
from .subjects import subject_names
from .verbs import label

PER_PAGE = 100


@role_required(RETURNING_OFFICER, SCRUTINEER)
def events(request):
    page = Paginator(Event.objects.order_by("-seq"), PER_PAGE).get_page(request.GET.get("page"))
    names = subject_names(page.object_list)
    for event in page.object_list:
        event.subject_name = names.get(event.subject, "")
        event.label, event.by_system = label(event.verb), event.actor == SYSTEM
    keys = SigningKey.objects.select_related("election").order_by("election_id")
    return render(request, "audit/events.html", {"page": page, "problems": verify(), "election_keys": keys})


@require_GET
@role_required(RETURNING_OFFICER, SCRUTINEER)
def export(request):
    """The whole trail as JSON lines, for ``tallyroom audit verify``."""
    record(request.user, "audit.export", "audit")
    response = StreamingHttpResponse(export_lines(), content_type="application/jsonl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M%S}.jsonl"'
    return response


@require_GET
def public_key(request):
    """The public half of the signing key, PEM, for anyone."""
    return HttpResponse(signing.public_pem(), content_type="text/plain; charset=utf-8")


@require_GET
def election_public_key(request, election_slug):
    """The public half of an election's signing key, PEM, for anyone."""
    key = get_object_or_404(SigningKey, election__slug=election_slug)
    return HttpResponse(election_keys.public_pem(key), content_type="text/plain; charset=utf-8")
