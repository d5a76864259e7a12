"""URLs of the voting app."""

app_name = "voting"
urlpatterns = []
