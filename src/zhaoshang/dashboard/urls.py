from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("screen/", views.screen, name="screen"),
    path("sections/<slug:name>/", views.section, name="section"),
]
