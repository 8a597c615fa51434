from django.urls import path

from . import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("import/", views.lead_import, name="import"),
    path("conversion/", views.conversion, name="conversion"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/<int:pk>/", views.channel_list, name="channel_edit"),
    path("intake-links/", views.intake_links, name="intake_links"),
    path("intake-links/<int:pk>/toggle/", views.intake_link_toggle, name="intake_link_toggle"),
    path("intake-links/<int:pk>/qr.svg", views.intake_link_qr, name="intake_link_qr"),
    path("intake/<str:token>/", views.intake, name="intake"),
    path("unit/<int:unit_pk>/panel/", views.unit_panel, name="unit_panel"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/assign/", views.lead_assign, name="assign"),
    path("<int:pk>/follow-up/", views.lead_follow_up, name="follow_up"),
    path("<int:pk>/close/", views.lead_close, name="close"),
    path("<int:pk>/reopen/", views.lead_reopen, name="reopen"),
    path("<int:pk>/merge/", views.lead_merge, name="merge"),
    path("<int:pk>/convert/", views.lead_convert, name="convert"),
]
