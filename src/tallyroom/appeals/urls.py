"""URLs of the appeals app: the member's pages, the panel's and staff's, the register."""

from django.urls import path

from . import setup_views, views

app_name = "appeals"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("link/<str:token>/", views.access, name="access"),
    path("code/", views.code, name="code"),
    path("standing/", views.standing, name="standing"),
    path("standing/<slug:election>/appeal/", views.appeal, name="appeal"),
    path("provisional/<int:pk>/", views.tender, name="tender"),
    path("provisional/<int:pk>/cast/", views.tender_cast, name="tender_cast"),
    path("elections/", views.elections, name="elections"),
    path("panel/", setup_views.panel, name="panel"),
    path("panel/<int:pk>/remove/", setup_views.panel_remove, name="panel_remove"),
    path("elections/<slug:election>/rules/", setup_views.rules, name="rules"),
    path("elections/<slug:election>/cases/", views.case_list, name="cases"),
    path("elections/<slug:election>/class/", views.class_decision, name="class_decision"),
    path("elections/<slug:election>/register/", views.register, name="register"),
    path("elections/<slug:election>/statistics/", views.statistics, name="statistics"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/files/<int:file>", views.evidence_file, name="file"),
    path("class/<int:pk>/", views.class_page, name="class"),
]
