from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "tallyroom.conference"
    label = "conference"
