from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "tallyroom.voting"

    def ready(self):
        from . import bounces, signals  # noqa: F401  (connects the receivers)
