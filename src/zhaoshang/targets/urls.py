from django.urls import path

from . import county_views, views

app_name = "targets"
urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("new/", views.period_create, name="period_create"),
    path("<int:pk>/", views.period_detail, name="period_detail"),
    path("<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("<int:pk>/preset/", views.preset_apply, name="preset_apply"),
    path("<int:pk>/vetoes/", views.veto_add, name="veto_add"),
    path("vetoes/<int:pk>/delete/", views.veto_delete, name="veto_delete"),
]
urlpatterns += [
    path("<int:pk>/scheme/", views.scheme_edit, name="scheme_edit"),
    path("<int:pk>/scheme/delete/", views.scheme_delete, name="scheme_delete"),
]
urlpatterns += [
    path("<int:pk>/county/new/", county_views.county_target_create, name="county_target_create"),
    path("county/<int:pk>/", county_views.county_target_edit, name="county_target_edit"),
    path("county/<int:pk>/delete/", county_views.county_target_delete, name="county_target_delete"),
    path("county/<int:pk>/rows/", county_views.county_figure, name="county_figure"),
]
