from django.apps import AppConfig


class RollConfig(AppConfig):
    name = "tallyroom.roll"
