from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/output/", views.output, name="output"),
]
