from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhaoshang.core import help as help_views
from zhaoshang.organization import views as organization_views

handler403 = "zhaoshang.core.views.permission_denied"

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "help/",
        include(
            (
                [
                    path("", help_views.page, name="index"),
                    path("img/<str:file>", help_views.image, name="image"),
                    path("<str:name>/", help_views.page, name="page"),
                ],
                "help",
            )
        ),
    ),
    path("accounts/", include("zhaoshang.accounts.urls")),
    path("projects/", include("zhaoshang.projects.urls")),
    path("org/", include("zhaoshang.organization.urls")),
    path("persons/", include("zhaoshang.persons.urls")),
    path("data/", include("zhaoshang.transfer.urls")),
    path("bulletins/", include("zhaoshang.bulletins.urls")),
    path("api/", include("zhaoshang.api_urls")),
    path("targets/", include("zhaoshang.targets.urls")),
    path("assessment/", include("zhaoshang.assessment.urls")),
    path("supervision/", include("zhaoshang.supervision.urls")),
    path("claims/", include("zhaoshang.claims.urls")),
    path("leads/", include("zhaoshang.leads.urls")),
    path("receptions/", include("zhaoshang.receptions.urls")),
    path("events/", include("zhaoshang.events.urls")),
    path("library/", include("zhaoshang.library.urls")),
    path("milestones/", include("zhaoshang.milestones.urls")),
    path("resources/", include("zhaoshang.resources.urls")),
    path("liaison/", include("zhaoshang.liaison.urls")),
    path("promises/", include("zhaoshang.promises.urls")),
    path("environment/", include("zhaoshang.environment.urls")),
    path("chains/", include("zhaoshang.chains.urls")),
    path("map/", include("zhaoshang.maps.urls")),
    path("scheduling/", include("zhaoshang.scheduling.urls")),
    path("notifications/", include("zhaoshang.notifications.urls")),
    path("dashboard/", include("zhaoshang.dashboard.urls")),
    path("leaders/", include("zhaoshang.leaders.urls")),
    path("audit/", include("zhaoshang.audit.urls")),
    path("jobs/", include("zhaoshang.jobs.urls")),
    path("django-admin/", admin.site.urls),
]
