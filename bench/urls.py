from django.urls import path

from bench.floor import FLOOR_PREFIX, floor

urlpatterns = [path(FLOOR_PREFIX.strip("/") + "/floor/", floor, name="bench-floor")]
