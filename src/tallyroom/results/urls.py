"""URLs of the results app: the public results, and the returning officer's dashboard under officer/."""

from django.urls import path

from . import analysis_pages, decisions, views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("officer/", views.dashboard, name="dashboard"),
    path("officer/<slug:election_slug>/", views.election, name="election"),
    path("officer/<slug:election_slug>/open/", views.open_voting, name="open"),
    path("officer/<slug:election_slug>/checklist/", decisions.checklist_page, name="checklist"),
    path("officer/<slug:election_slug>/key/", decisions.key_page, name="key"),
    path("officer/<slug:election_slug>/mail-test/", decisions.mail_test, name="mail_test"),
    path("officer/<slug:election_slug>/close/", decisions.close_page, name="close"),
    path("officer/<slug:election_slug>/extend/", decisions.decision, {"kind": "extend"}, name="extend"),
    path("officer/<slug:election_slug>/reopen/", decisions.decision, {"kind": "reopen"}, name="reopen"),
    path("officer/<slug:election_slug>/open-box/", views.open_box, name="open_box"),
    path("officer/<slug:election_slug>/forecasts/", analysis_pages.forecast_list, name="forecasts"),
    path("officer/<slug:election_slug>/forecasts/<int:pk>/", analysis_pages.forecast_page, name="forecast"),
    path(
        "officer/<slug:election_slug>/forecasts/<int:pk>/<str:name>",
        analysis_pages.forecast_file,
        name="forecast_file",
    ),
    path("officer/<slug:election_slug>/<slug:contest_slug>/count/", views.count_view, name="count"),
    path("officer/<slug:election_slug>/<slug:contest_slug>/", views.review, name="review"),
    path("officer/<slug:election_slug>/<slug:contest_slug>/publish/", views.publish_count, name="publish"),
    path("<slug:election_slug>/", analysis_pages.election_results, name="election_results"),
    path("<slug:election_slug>/<slug:contest_slug>/", views.contest, name="contest"),
    path("<slug:election_slug>/<slug:contest_slug>/<str:name>", views.download, name="download"),
]
