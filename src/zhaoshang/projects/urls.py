from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("new/", views.project_create, name="create"),
    path("investors/", views.investor_list, name="investors"),
    path("search/", views.search, name="search"),
    path("missing-evidence/", views.missing_evidence, name="missing_evidence"),
    path("investors/<int:pk>/edit/", views.investor_edit, name="investor_edit"),
    path("investors/flagged/", views.investor_flagged, name="investors_flagged"),
    path("investors/merge/", views.investor_merge, name="investor_merge"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/stages/", views.stage_record, name="stage_record"),
    path("stages/<int:pk>/delete/", views.stage_delete, name="stage_delete"),
    path("<int:pk>/status/", views.status_set, name="status_set"),
    path("<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
    path("receipts/<int:pk>/edit/", views.receipt_edit, name="receipt_edit"),
    path("receipts/<int:pk>/delete/", views.receipt_delete, name="receipt_delete"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
