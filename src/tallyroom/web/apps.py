from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "tallyroom.web"
    verbose_name = "tallyroom"


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin, whose site signs in through the site's own sign-in (``web.admin``)."""

    default = False
    default_site = "tallyroom.web.admin.Site"
