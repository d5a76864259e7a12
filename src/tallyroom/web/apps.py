from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tallyroom.web"
    verbose_name = "tallyroom"
