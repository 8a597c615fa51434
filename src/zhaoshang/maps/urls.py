"""The county map (issue 19)."""

from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("", views.county_map, name="map"),
    path("boundary.json", views.boundary_json, name="boundary_json"),
    path("boundaries/", views.boundary_upload, name="boundaries"),
    path("place/", views.place, name="place"),
]
