"""Enterprise liaison (issue 19)."""

from django.urls import path

from . import views

app_name = "liaison"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/liaisons/", views.liaison_add, name="liaison_add"),
    path("liaisons/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/demands/new/", views.demand_create, name="demand_create"),
    path("demands/", views.demands, name="demands"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/progress/", views.demand_progress, name="demand_progress"),
    path("demands/<int:pk>/answer/", views.demand_answer, name="demand_answer"),
    path("departments/", views.departments, name="departments"),
    path("tile/", views.tile, name="tile"),
    path("import/", views.import_enterprises, name="import"),
    path("import/template/", views.enterprise_template, name="template"),
    path("demands/import/", views.import_demands, name="demand_import"),
    path("demands/import/template/", views.demand_template, name="demand_template"),
]
