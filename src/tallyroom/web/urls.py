"""The site's URLs: one include per app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", twofactor.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", twofactor.two_factor, name="two_factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/staff/", accounts.accounts, name="accounts"),
    path("accounts/staff/new/", accounts.account_edit, name="account_new"),
    path("accounts/staff/<int:pk>/", accounts.account_edit, name="account_edit"),
    path("accounts/staff/<int:pk>/set-up-code/", accounts.account_set_up_code, name="account_set_up_code"),
    path(
        "accounts/staff/<int:pk>/reset-authenticator/",
        accounts.account_reset_authenticator,
        name="account_reset_authenticator",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the voter's choice of language
    path("organisation/", include("tallyroom.organisation.urls")),
    path("roll/", include("tallyroom.roll.urls")),
    path("elections/", include("tallyroom.elections.urls")),
    path("vote/", include("tallyroom.voting.urls")),
    path("results/", include("tallyroom.results.urls")),
    path("audit/", include("tallyroom.audit.urls")),
    path("jobs/", include("tallyroom.jobs.urls")),
    path("appeals/", include("tallyroom.appeals.urls")),
    path("conference/", include("tallyroom.conference.urls")),
    path("anymail/", include("anymail.urls")),  # the mail service's delivery reports (voting/bounces.py)
]
