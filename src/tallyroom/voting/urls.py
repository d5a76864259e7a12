"""URLs of the voting app: the voter's steps, the public lists of ballots, and staff pages."""

from django.urls import path

from . import reissue_views, staff_pages, views

app_name = "voting"
urlpatterns = [
    path("", views.enter, name="enter"),
    path("ballot/", views.ballot, name="ballot"),
    path("cast/", views.cast_view, name="cast"),
    path("<slug:election>/ballots/", views.public_lists, name="lists"),
    path("<slug:election>/ballots/<slug:contest>/", views.public_list, name="list"),
    path("<slug:election>/ballots/<slug:contest>.txt", views.public_list_txt, name="list_txt"),
    path("<slug:election>/codes/", views.codes_page, name="codes"),
    path("<slug:election>/codes/issue/", views.codes_issue, name="codes_issue"),
    path("<slug:election>/codes/reissue/", views.codes_reissue, name="codes_reissue"),
    path("<slug:election>/codes/reissues/", reissue_views.reissues_page, name="reissues"),
    path(
        "<slug:election>/codes/reissues/<int:pk>/approve/",
        reissue_views.reissue_approve,
        name="reissue_approve",
    ),
    path("<slug:election>/codes/post/<str:name>", views.codes_download, name="codes_download"),
    path("<slug:election>/codes/post/<str:name>/delete/", views.codes_delete, name="codes_delete"),
    path("<slug:election>/preview/", staff_pages.preview, name="preview"),
    path("<slug:election>/reminders/", staff_pages.reminders_page, name="reminders"),
    path("<slug:election>/reminders/send/", staff_pages.reminders_send, name="reminders_send"),
    path("<slug:election>/reminders/schedule/", staff_pages.reminders_schedule, name="reminders_schedule"),
    path("<slug:election>/turnout/", staff_pages.turnout_page, name="turnout"),
    path("<slug:election>/turnout.csv", staff_pages.turnout_csv, name="turnout_csv"),
    path("<slug:election>/has-voted.csv", staff_pages.voted_csv, name="voted_csv"),
]
