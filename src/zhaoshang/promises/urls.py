from django.urls import path

from . import views

app_name = "promises"
urlpatterns = [
    path("", views.index, name="list"),
]
