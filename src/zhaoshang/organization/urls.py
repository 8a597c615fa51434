from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "organization"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    # A unit's page shows its projects, so the ledger serves it; old links still arrive.
    path("units/<int:pk>/", RedirectView.as_view(pattern_name="projects:unit"), name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
]
