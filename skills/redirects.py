"""Addresses of merged skills: /skills/<old>/… and /api/skills/<old>/… answer 301 to the skill they went into.

A middleware that looks only at 404 answers, so it costs nothing on any other request and covers every view
under a skill's address (pages, the suggest form, the API) without each view knowing about merges.
"""

import re

from django.http import HttpResponsePermanentRedirect

from skills.models import SkillRedirect

SKILL_PATH = re.compile(r"^(?P<prefix>/(?:api/)?skills/)(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$")


def redirect_for(request) -> HttpResponsePermanentRedirect | None:
    if request.method not in ("GET", "HEAD"):
        return None
    match = SKILL_PATH.match(request.path_info)
    if match is None:
        return None
    redirect = SkillRedirect.objects.live(match["slug"]).first()
    if redirect is None:
        return None
    path = f"{request.META.get('SCRIPT_NAME', '')}{match['prefix']}{redirect.skill.slug}{match['rest'] or ''}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)


class SkillRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404:
            return redirect_for(request) or response
        return response
