"""Resources on offer (issue 19)."""

from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.resource_list, name="list"),
    path("match/", views.match, name="match"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<str:kind>/", views.resource_list, name="kind_list"),
    path("<str:kind>/new/", views.create, name="create"),
    path("<str:kind>/import/", views.import_view, name="import"),
    path("<str:kind>/<int:pk>/", views.detail, name="detail"),
    path("<str:kind>/<int:pk>/edit/", views.edit, name="edit"),
    path("<str:kind>/<int:pk>/status/", views.status, name="status"),
    path("<str:kind>/<int:pk>/attach/", views.attach, name="attach"),
]
