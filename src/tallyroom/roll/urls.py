"""URLs of the roll app."""

app_name = "roll"
urlpatterns = []
