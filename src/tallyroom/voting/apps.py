from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "tallyroom.voting"
