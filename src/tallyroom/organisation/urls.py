"""URLs of the organisation app: regions, units and affiliates."""

from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:kind>/new/", views.edit, name="new"),
    path("<str:kind>/<int:pk>/", views.edit, name="edit"),
]
