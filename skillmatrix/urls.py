from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The admin signs in through allauth's login, so its rate limits cover the admin too.
admin.site.login = secure_admin_login(admin.site.login)
# The admin under the site's name (templates/admin/base_site.html), with its link back to the site.
admin.site.site_header = admin.site.site_title = settings.SITE_NAME
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script); Swagger UI styles inline.
    path(
        "api/docs/",
        csp_override(settings.SECURE_CSP | {"style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", title=format_lazy("{} · {}", _("API documentation"), _("Skill Matrix"))
            )
        ),
        name="api-docs",
    ),
    path("api/", include("proposals.api_urls")),
    path("api/", include("skills.api_urls")),
    path("api/", include("growth.api_urls")),
    path("api/", include("teams.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/profile/", include("accounts.urls")),
    path("", include("proposals.urls")),
    path("", include("skills.urls")),
    path("", include("growth.urls")),
    path("", include("teams.urls")),
]

if settings.BENCH_FLOOR:  # benchmark-only pre-rendered pages (bench/run); never in production
    urlpatterns.insert(0, path("", include("bench.urls")))

handler400 = "skillmatrix.errors.bad_request"
handler403 = "skillmatrix.errors.permission_denied"
handler404 = "skillmatrix.errors.page_not_found"
handler500 = "skillmatrix.errors.server_error"
