from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("<int:pk>/", views.period_assessment, name="period"),
    path("<int:pk>/units/<int:unit_pk>/", views.unit_assessment, name="unit"),
    path("water/", views.water_report, name="water"),
    path("water.xlsx", views.water_download, name="water_download"),
]
