from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from zhaoshang.chains.api.views import ChainViewSet, TargetViewSet
from zhaoshang.environment.api.views import IndicatorValueViewSet, IndicatorViewSet
from zhaoshang.events.api.views import EventViewSet
from zhaoshang.leaders.api import LeaderHomeView
from zhaoshang.leads.api.views import LeadViewSet
from zhaoshang.liaison.api.views import DemandViewSet, EnterpriseViewSet, VisitViewSet
from zhaoshang.library.api.views import OpportunityViewSet
from zhaoshang.milestones.api.views import MilestoneViewSet
from zhaoshang.organization.api.views import UnitViewSet
from zhaoshang.persons.api.views import PersonViewSet
from zhaoshang.projects.api.views import ProjectViewSet, ReceiptViewSet
from zhaoshang.promises.api.views import ComplaintViewSet, PromiseViewSet
from zhaoshang.receptions.api.views import ReceptionViewSet
from zhaoshang.resources.api.views import FactoryViewSet, IdleAssetViewSet, LandParcelViewSet
from zhaoshang.targets.api import CountyTargetViewSet

router = DefaultRouter()
router.register("units", UnitViewSet)
router.register("projects", ProjectViewSet)
router.register("receipts", ReceiptViewSet)
router.register("county-targets", CountyTargetViewSet)
router.register("persons", PersonViewSet)
router.register("events", EventViewSet)
router.register("leads", LeadViewSet)
router.register("chains", ChainViewSet)
router.register("chain-targets", TargetViewSet)
router.register("opportunities", OpportunityViewSet)
router.register("milestones", MilestoneViewSet)
router.register("receptions", ReceptionViewSet)
router.register("promises", PromiseViewSet)
router.register("complaints", ComplaintViewSet)
router.register("environment/indicators", IndicatorViewSet)
router.register("environment/values", IndicatorValueViewSet)
router.register("land-parcels", LandParcelViewSet)
router.register("factories", FactoryViewSet)
router.register("idle-assets", IdleAssetViewSet)
router.register("liaison/enterprises", EnterpriseViewSet)
router.register("liaison/visits", VisitViewSet)
router.register("liaison/demands", DemandViewSet)

urlpatterns = [
    path("", include(router.urls)),
    path("leaders/home/", LeaderHomeView.as_view(), name="api-leader-home"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
