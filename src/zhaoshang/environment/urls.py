from django.urls import path

from . import views

app_name = "environment"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("export/", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/template/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/values/new/", views.enter, name="enter"),
    path("values/<int:pk>/edit/", views.value_edit, name="value_edit"),
    path("values/<int:pk>/delete/", views.value_delete, name="value_delete"),
]
