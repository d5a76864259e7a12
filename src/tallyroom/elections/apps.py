from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "tallyroom.elections"
