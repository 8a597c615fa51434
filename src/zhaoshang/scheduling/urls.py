from django.urls import path

from . import views, views_items

app_name = "scheduling"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("settings/", views.config_edit, name="config"),
    path("plan/", views.plan_month, name="plan_month"),
    path("open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/open/", views.round_open_planned, name="round_open_planned"),
    path("rounds/<int:pk>/move/", views.round_move, name="round_move"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/submit-all/", views.round_submit_all, name="round_submit_all"),
    path("rounds/<int:pk>/review/", views.round_review, name="round_review"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("items/", views_items.item_list, name="item_list"),
    path("items/<int:pk>/", views_items.item_detail, name="item"),
    path("items/<int:pk>/edit/", views_items.item_edit, name="item_edit"),
    path("items/<int:pk>/status/", views_items.item_status, name="item_status"),
    path("stalled/", views_items.stalled_list, name="stalled"),
    path("stalled/<int:pk>/mark/", views_items.stalled_mark, name="stalled_mark"),
]
