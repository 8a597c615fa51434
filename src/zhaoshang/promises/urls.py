from django.urls import path

from . import views

app_name = "promises"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/deliver/", views.deliver, name="deliver"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/proof/", views.proof, name="proof"),
    path("import/", views.import_view, name="import"),
    path("import/template/", views.template, name="template"),
    path("panel/", views.panel, name="panel"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/edit/", views.complaint_edit, name="complaint_edit"),
    path("complaints/<int:pk>/take-up/", views.complaint_take_up, name="complaint_take_up"),
    path("complaints/<int:pk>/answer/", views.complaint_answer, name="complaint_answer"),
    path("complaints/<int:pk>/investor-answer/", views.complaint_investor_answer, name="complaint_investor_answer"),
]
