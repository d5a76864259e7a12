"""URLs of the conference app."""

from django.urls import path

from . import views

app_name = "conference"
urlpatterns = [
    path("<slug:slug>/", views.conference, name="conference"),
    path("<slug:slug>/entitlement/", views.compute, name="compute"),
    path("<slug:slug>/entitlement.csv", views.entitlement_csv, name="entitlement_csv"),
    path("<slug:slug>/import/", views.import_delegates, name="import"),
    path("<slug:slug>/delegation/<int:pk>/", views.delegation, name="delegation"),
    path("<slug:slug>/delegation/<int:pk>/challenge/", views.raise_challenge, name="challenge"),
    path("<slug:slug>/delegation/<int:pk>/challenge/<int:challenge>/", views.decide_challenge, name="decide"),
    path("<slug:slug>/desk/", views.desk, name="desk"),
    path("<slug:slug>/badges/", views.badges, name="badges"),
    path("<slug:slug>/chair/", views.chair, name="chair"),
    path("<slug:slug>/chair/<int:pk>/", views.chair, name="poll_action"),
    path("<slug:slug>/chair/new/", views.new_poll, name="new_poll"),
    path("<slug:slug>/papers/<int:pk>/", views.tellers, name="tellers"),
    path("<slug:slug>/projector/", views.projector, name="projector"),
    path("<slug:slug>/poll/<int:pk>/line-items.csv", views.line_items, name="line_items"),
    path("<slug:slug>/vote/", views.enter, name="enter"),
    path("<slug:slug>/kiosks/", views.kiosk_desk, name="kiosks"),
    path("<slug:slug>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:slug>/kiosk/setup/<str:token>/", views.kiosk_setup, name="kiosk_setup"),
    path("<slug:slug>/v/<str:code>/", views.ballot, name="ballot"),
]
