"""Staff pages for the organisation's structure: regions, units and affiliates (the CSV import of
``import_structure`` does the same in bulk). Staff and the returning officer edit; scrutineers read.
Every change records an event."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.roll.models import Member
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required
from tallyroom.web.editing import save_form

from .forms import AffiliateForm, RegionForm, UnitForm
from .models import Affiliate, Region, Unit

EDITORS = (STAFF, RETURNING_OFFICER)
KINDS = {
    "region": (Region, RegionForm, _("New region")),
    "unit": (Unit, UnitForm, _("New unit")),
    "affiliate": (Affiliate, AffiliateForm, _("New affiliate")),
}


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def index(request):
    by_unit = dict(Member.objects.values_list("unit_id").annotate(n=Count("*")).order_by())
    regions = list(Region.objects.prefetch_related("units"))
    for region in regions:
        region.members = sum(by_unit.get(unit.pk, 0) for unit in region.units.all())
    return render(
        request,
        "organisation/index.html",
        {
            "regions": regions,
            "affiliates": Affiliate.objects.all(),
            "can_edit": has_role(request.user, *EDITORS),
        },
    )


@role_required(*EDITORS)
def edit(request, kind, pk=None):
    if kind not in KINDS:
        raise Http404(f"no such kind of record: {kind}")
    model, form_class, new = KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    back = reverse("organisation:index")
    title = gettext("Edit %(name)s") % {"name": instance} if instance else str(new)
    return save_form(request, form, title=title, back=back, success=lambda _: back)
