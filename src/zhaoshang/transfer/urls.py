from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("export/", views.export_ledger, name="export"),
]
