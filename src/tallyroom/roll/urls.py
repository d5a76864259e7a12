"""URLs of the roll app."""

from django.urls import path

from . import views

app_name = "roll"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="import"),
    path("contests/<int:pk>/", views.contest_roll, name="contest"),
    path("contests/<int:pk>/build/", views.build, name="build"),
    path("contests/<int:pk>/roll.csv", views.export, name="export"),
    path("entries/<int:entry>/decision/", views.decision, name="decision"),
    path("members/contact/", views.contact_find, name="contact_find"),
    path("members/<str:number>/contact/", views.contact, name="contact"),
]
