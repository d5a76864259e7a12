from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>.json", views.job_json, name="json"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
]
