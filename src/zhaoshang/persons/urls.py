from django.urls import path

from . import views

app_name = "persons"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("ranking/", views.ranking, name="ranking"),
    path("rewards/", views.rewards, name="rewards"),
    path("targets/<int:period_pk>/", views.targets, name="targets"),
]
