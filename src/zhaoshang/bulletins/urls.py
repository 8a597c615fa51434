from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_create, name="create"),
    path("settings/", views.document_settings, name="settings"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/issue/", views.bulletin_issue, name="issue"),
    path("<int:pk>/findings/<int:unit_id>/", views.bulletin_finding, name="finding"),
    path("<int:pk>/correct/", views.bulletin_correct, name="correct"),
    path("<int:pk>/delete/", views.bulletin_delete, name="delete"),
    path("<int:pk>/docx/", views.bulletin_docx, name="docx"),
    path("<int:pk>/xlsx/", views.bulletin_xlsx, name="xlsx"),
]
