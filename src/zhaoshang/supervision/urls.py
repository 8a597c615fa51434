from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/verify/", views.verify, name="verify"),
    path("batches/<int:pk>/verify-many/", views.verify_many, name="verify_many"),
    path("batches/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/submit/", views.rectification_submit, name="rectification_submit"),
    path("rectifications/<int:pk>/review/", views.rectification_review, name="rectification_review"),
    path("rectifications/<int:pk>/deadline/", views.rectification_deadline, name="rectification_deadline"),
    path("verifications/", views.verification_list, name="verification_list"),
    # The 水分 report moved to the assessment (it compares two assessments); old links still arrive.
    path("water/", RedirectView.as_view(pattern_name="assessment:water", query_string=True)),
    path("water.xlsx", RedirectView.as_view(pattern_name="assessment:water_download", query_string=True)),
]
