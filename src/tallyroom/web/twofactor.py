"""Staff sign-in with a second factor: a TOTP code from an authenticator app (django-otp).

An account with a confirmed TOTP device signs in with user name, password and the current code;
the session is then *verified*. With ``TALLYROOM_REQUIRE_2FA`` on (the default), an account
without a device that signs in with its password reaches only the set-up page. That page first
asks for the account's one-time set-up code (``enrolment``), given out of band by the returning
officer, so that a stolen password alone cannot set up the thief's authenticator; only then does
it make a new device, show its QR code and secret, and confirm it with a first code. Every role's
pages refuse an unverified session. Wrong codes of either kind count as failed sign-ins for the
throttle (django-axes).
"""

from __future__ import annotations

import base64
from io import BytesIO
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tallyroom.audit.events import record

from . import enrolment

TOKEN = forms.CharField(
    required=False,
    label=_("Code from your authenticator app"),
    max_length=8,
    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
)


def required() -> bool:
    return bool(getattr(settings, "TALLYROOM_REQUIRE_2FA", True))


def device_of(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() if user.is_authenticated else None


def enrol(user) -> TOTPDevice:
    """The user's confirmed TOTP device, made if they have none (for set-up outside the web
    pages, such as the demo's logins)."""
    return device_of(user) or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def verified(user) -> bool:
    """Whether this signed-in session has passed the second factor, or needs none."""
    if getattr(user, "is_verified", lambda: False)():
        return True
    return not required() and device_of(user) is None


def secret_of(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def code_now(secret: str) -> str:
    """The six-digit code an authenticator app shows now for a base32 ``secret``."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG ``data:`` URI for an <img> (no inline markup for the CSP)."""
    out = BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _token_failed(request, username: str) -> None:
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


class SignInForm(AuthenticationForm):
    """User name and password, and the TOTP code when the account has a device."""

    token = TOKEN
    device: TOTPDevice | None = None

    def clean(self):
        data = super().clean()
        user = self.get_user()
        device = device_of(user) if user is not None else None
        if device is not None:
            if not device.verify_token(data.get("token", "").strip()):
                _token_failed(self.request, user.get_username())
                raise forms.ValidationError(
                    gettext(
                        "The code from your authenticator app is wrong or has expired; try the next one."
                    ),
                    code="token",
                )
            self.device = device
        return data


class SignInView(LoginView):
    form_class = SignInForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.device is not None:
            otp_login(self.request, form.device)
        elif required():  # straight on to set it up: no staff page would let them in before
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('two_factor')}?{query}")
        return response


class TokenForm(forms.Form):
    token = TOKEN


class SetUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Set-up code"),
        max_length=40,
        help_text=_("The one-time code the returning officer gave you for setting up your authenticator."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


ENROLMENT = "tallyroom_enrolment"  # the session's accepted set-up code: {"user": pk, "code": pk}


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def two_factor(request):
    """Set up the second factor (a signed-in account without one: its set-up code first, then the
    new device), or give the code for this session (an account with one whose session is not yet
    verified)."""
    if verified(request.user) and device_of(request.user) is not None:
        return HttpResponseRedirect(_next(request))
    credentials = {"username": request.user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(
            request, credentials=credentials
        )  # too many wrong codes: even a right one waits
    device = device_of(request.user)
    if device is None:
        accepted = request.session.get(ENROLMENT)
        if not accepted or accepted.get("user") != request.user.pk:
            return _set_up_code(request)
        return _set_up_device(request, accepted["code"])
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        _token_failed(request, request.user.get_username())
        form.add_error("token", gettext("That code is wrong or has expired; try the next one."))
    return render(
        request, "registration/two_factor.html", {"form": form, "step": "token", "next": _next(request)}
    )


def _set_up_code(request):
    """Step one of setting up: the account's one-time set-up code. Only when it is right is a new
    device made (any half-made one is thrown away, so nobody who saw an earlier key can use it)."""
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = enrolment.valid(request.user, form.cleaned_data["code"])
        if code is not None:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
                TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
            request.session[ENROLMENT] = {"user": request.user.pk, "code": code.pk}
            return HttpResponseRedirect(f"{reverse('two_factor')}?{urlencode({'next': _next(request)})}")
        _token_failed(request, request.user.get_username())
        form.add_error(
            "code",
            gettext("That set-up code is wrong, used or expired; ask the returning officer for a new one."),
        )
    return render(
        request, "registration/two_factor.html", {"form": form, "step": "code", "next": _next(request)}
    )


def _set_up_device(request, code_pk: int):
    """Step two: the new device's key, confirmed by a first code; the set-up code is spent then."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        request.session.pop(ENROLMENT, None)
        return _set_up_code(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                spent = enrolment.spend(request.user, code_pk)
                if spent:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record(
                        request.user,
                        "account.two_factor_set_up",
                        f"user:{request.user.pk}",
                        enrolment_code=code_pk,
                    )
            request.session.pop(ENROLMENT, None)
            if not spent:  # expired meanwhile, or replaced by a newer code
                return HttpResponseRedirect(f"{reverse('two_factor')}?{urlencode({'next': _next(request)})}")
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        _token_failed(request, request.user.get_username())
        form.add_error("token", gettext("That code is wrong or has expired; try the next one."))
    context = {"form": form, "step": "device", "next": _next(request)}
    context |= {"secret": secret_of(device), "qr": qr_data_uri(device.config_url)}
    return render(request, "registration/two_factor.html", context)


def require_verified(request):
    """None if the request may go on; else where to send it (sign in, or the second factor)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not verified(request.user):
        return HttpResponseRedirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
    return None
