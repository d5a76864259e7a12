"""URLs of the voting app: the voter's steps, the public lists of ballots, and staff pages."""

from django.urls import path

from . import views

app_name = "voting"
urlpatterns = [
    path("", views.enter, name="enter"),
    path("ballot/", views.ballot, name="ballot"),
    path("cast/", views.cast_view, name="cast"),
]
