from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("import/", views.import_view, name="import"),
    path("catalogue.<str:kind>", views.catalogue_document, name="catalogue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/landed/", views.landed, name="landed"),
    path("<int:pk>/<str:action>/", views.transition, name="transition"),
]
