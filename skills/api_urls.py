from django.urls import path
from rest_framework.routers import DefaultRouter

from skills import api

app_name = "api"

router = DefaultRouter()
router.register("domains", api.DomainViewSet, basename="domain")
router.register("levels", api.LevelViewSet, basename="level")
router.register("roles", api.RoleViewSet, basename="role")
router.register("skills", api.SkillViewSet, basename="skill")

urlpatterns = [path("catalog/", api.CatalogView.as_view(), name="catalog"), *router.urls]
