"""URLs of the audit app."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.jsonl", views.export, name="export"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("keys/<slug:election_slug>.pem", views.election_public_key, name="election_public_key"),
]
