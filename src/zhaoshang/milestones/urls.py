from django.urls import path

from . import views

app_name = "milestones"
urlpatterns = [
    path("", views.index, name="list"),
    path("tile/", views.tile, name="tile"),
    path("project/<int:pk>/", views.plan, name="plan"),
    path("kinds/", views.kinds, name="kinds"),
    path("kinds/<int:pk>/", views.kind_edit, name="kind_edit"),
    path("kinds/<int:pk>/move/", views.kind_move, name="kind_move"),
    path("import/", views.import_view, name="import"),
]
