import gc
import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillmatrix.settings")

application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Leave the objects every server process keeps for its life out of Python's full collections.

    A full collection walks every tracked object, and holds the GIL while it does: in a
    worker with Django, DRF and the app loaded, that is long enough, several times a minute
    on a busy API, to stall every request in the process (it showed in the p99 of the
    comment post and the skill API). The app and its URLconf (every view module) are loaded
    first, then frozen; a full collection then walks only what requests left behind.
    """
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()


freeze_startup_objects()
sys.setswitchinterval(settings.THREAD_SWITCH_MS / 1000)
