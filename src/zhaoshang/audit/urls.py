from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.change_log, name="log"),
    path("<str:model>/<int:pk>/", views.object_history, name="object"),
]
