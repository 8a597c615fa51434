from django.urls import path

from . import check_views, views  # noqa: F401

app_name = "claims"
urlpatterns: list = [
    path("check/", check_views.check, name="check"),
]
