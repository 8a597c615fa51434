from django.urls import path

from . import views

app_name = "receptions"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("counts/", views.counts, name="counts"),
    path("units/<int:unit_pk>/panel/", views.unit_panel, name="unit_panel"),
    path("import/", views.import_view, name="import"),
    path("import/template/", views.template, name="template"),
]
