from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="list"),
    path("new/", views.chain_edit, name="create"),
    path("gaps/", views.gap_list, name="gaps"),
    path("import/", views.plan_import, name="import"),
    path("by-name/<path:name>/", views.by_name, name="by_name"),
    path("<int:pk>/", views.chain_detail, name="detail"),
    path("<int:pk>/edit/", views.chain_edit, name="edit"),
    path("<int:pk>/add/<str:what>/", views.chain_add, name="add"),
    path("local/<int:pk>/delete/", views.local_delete, name="local_delete"),
    path("targets/<int:pk>/contact/", views.target_contact, name="contact"),
    path("targets/<int:pk>/lead/", views.target_lead, name="to_lead"),
]
