"""URLs of the elections app: staff pages for elections, contests, candidates, nominations, slates."""

from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.election_edit, name="election_new"),
    path("photos/<int:candidate>/<str:digest>", views.photo, name="photo"),
    path("<slug:slug>/", views.election_detail, name="election"),
    path("<slug:slug>/edit/", views.election_edit, name="election_edit"),
    path("<slug:slug>/contests/new/", views.contest_edit, name="contest_new"),
    path("<slug:slug>/contests/<int:pk>/", views.contest_detail, name="contest"),
    path("<slug:slug>/contests/<int:pk>/edit/", views.contest_edit, name="contest_edit"),
    path("<slug:slug>/contests/<int:pk>/candidates/new/", views.candidate_edit, name="candidate_new"),
    path(
        "<slug:slug>/contests/<int:pk>/candidates/<int:candidate>/",
        views.candidate_edit,
        name="candidate_edit",
    ),
    path(
        "<slug:slug>/contests/<int:pk>/candidates/<int:candidate>/nominate/",
        views.nomination_add,
        name="nomination_add",
    ),
    path(
        "<slug:slug>/contests/<int:pk>/nominations/<int:nomination>/delete/",
        views.nomination_delete,
        name="nomination_delete",
    ),
    path("<slug:slug>/slates/new/", views.slate_edit, name="slate_new"),
    path("<slug:slug>/slates/<int:slate>/", views.slate_edit, name="slate_edit"),
]
