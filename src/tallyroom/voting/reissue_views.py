"""Pages for four eyes on reissued codes: the report of every reissue and contact change (for
scrutineers, staff and the returning officer) and the approval of waiting requests."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tallyroom.elections.models import Election
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required

from .codes import send_codes
from .models import CodeReissue
from .reissues import approve, report


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def reissues_page(request, election: str):
    found = get_object_or_404(Election, slug=election)
    context = {"election": found, "can_approve": has_role(request.user, STAFF, RETURNING_OFFICER)}
    return render(request, "voting/reissues.html", context | report(found))


@require_POST
@role_required(STAFF, RETURNING_OFFICER)
def reissue_approve(request, election: str, pk: int):
    found = get_object_or_404(Election, slug=election)
    pending = get_object_or_404(CodeReissue, pk=pk, election=found)
    try:
        code, told = approve(pending, user=request.user)
    except ValueError as e:  # ApprovalRefused, or the member has voted meanwhile
        messages.error(request, str(e))
    else:
        sent = send_codes([(pending.member, code)], found)
        if sent.emailed:
            how = gettext("A new code for %(member)s was emailed; %(told)s.")
        else:
            how = gettext("A new code for %(member)s was added to a new mail-merge file for post; %(told)s.")
        messages.success(request, how % {"member": pending.member, "told": told})
    return redirect("voting:reissues", election=found.slug)
