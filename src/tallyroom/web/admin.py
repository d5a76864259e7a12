"""The Django admin behind the site's sign-in: throttled, with the second factor; no sign-in
page of its own."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from .twofactor import require_verified, verified


class Site(admin.AdminSite):
    def login(self, request, extra_context=None):
        """``/admin/login/`` is no way round the site's sign-in: it sends there (or, signed in
        without the second factor, to it); a signed-in account without admin rights is refused."""
        target = request.GET.get("next") or reverse("admin:index")
        if not request.user.is_authenticated:
            return redirect_to_login(target)
        refused = require_verified(request)
        if refused is not None:
            return refused
        if not self.has_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(target)

    def has_permission(self, request):
        return super().has_permission(request) and verified(request.user)
