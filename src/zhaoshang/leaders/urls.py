from django.urls import path

from . import views

app_name = "leaders"

urlpatterns = [
    path("", views.leader_list, name="list"),
    path("home/", views.home, name="home"),
    path("rule/", views.rule_edit, name="rule"),
    path("<int:pk>/home/", views.leader_home, name="leader_home"),
    path("<int:pk>/links/", views.links_edit, name="links"),
    path("heads/<int:unit_pk>/", views.head_edit, name="head"),
]
