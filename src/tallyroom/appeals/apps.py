from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "tallyroom.appeals"
