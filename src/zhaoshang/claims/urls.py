from django.urls import path

from . import check_views, views

app_name = "claims"
urlpatterns: list = [
    # The bureau's review of pairs and its decisions (decide.py).
    path("", views.review, name="review"),
    path("<int:pk>/", views.pair_detail, name="pair"),
    path("<int:pk>/merge/", views.pair_merge, name="pair_merge"),
    path("<int:pk>/different/", views.pair_different, name="pair_different"),
    path("<int:pk>/phase/", views.pair_phase, name="pair_phase"),
    # The live check on the project form (services.find_pairs, matching).
    path("check/", check_views.check, name="check"),
]
