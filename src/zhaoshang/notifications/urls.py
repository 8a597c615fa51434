from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("robots/", views.webhook_list, name="webhook_list"),
    path("robots/new/", views.webhook_create, name="webhook_create"),
    path("robots/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("robots/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("robots/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("log/", views.delivery_list, name="delivery_list"),
]
