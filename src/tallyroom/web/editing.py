"""The one way a staff page saves a form: on a valid POST, save and record the event in one
transaction, say so, and go on; otherwise show the form (with its errors)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from tallyroom.audit.changes import record_saved


def save_form(request, form, *, title, back, success, template="elections/form.html"):
    """Show ``form``; on a valid POST save it with its event and go to ``success(saved object)``."""
    if request.method == "POST" and form.is_valid():
        created = form.instance.pk is None
        with transaction.atomic():
            obj = form.save()
            record_saved(request.user, obj, created=created, fields=form.changed_data)
        messages.success(request, gettext("Saved %(name)s.") % {"name": obj})
        return redirect(success(obj))
    return render(request, template, {"form": form, "title": title, "back": back})
