from django.urls import path

from . import views

app_name = "receptions"
urlpatterns = [
    path("", views.index, name="list"),
]
