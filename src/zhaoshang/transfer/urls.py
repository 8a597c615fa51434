from django.urls import path

from . import alias_views, county_views, views

app_name = "transfer"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("import/names/", alias_views.aliases_page, name="aliases"),
    path("import/names/mapping/<int:pk>/file/", alias_views.mapping_file, name="mapping_file"),
    path("import/names/<str:kind>/<int:pk>/remove/", alias_views.alias_remove, name="alias_remove"),
    path("import/template/", views.template_download, name="template"),
    path("county/", county_views.county_upload, name="county"),
    path("county/job/<int:pk>/", county_views.county_result, name="county_result"),
    path("county/<str:token>/", county_views.county_mapping, name="county_mapping"),
    path("export/", views.export_ledger, name="export"),
    path("scheme/<int:pk>/export/", views.scheme_export, name="scheme_export"),
    path("scheme/<int:pk>/import/", views.scheme_import, name="scheme_import"),
]
