from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from onewindow.core.display import display_mode_set

admin.site.site_header = admin.site.site_title = "一窗通 OneWindow"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, a PDF).
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True)),
    # The display switch (标准版 / 适老版): one cookie, set by a plain form (docs/accessibility.md).
    path("display/", display_mode_set, name="display_mode"),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("workbench/", include("onewindow.workbench.urls")),
        path("", include("onewindow.portal.urls")),
        prefix_default_language=False,
    ),
]

# Error pages in the visitor's language (onewindow/core/templates/errors/).
handler400 = "onewindow.core.views.bad_request"
handler403 = "onewindow.core.views.permission_denied"
handler404 = "onewindow.core.views.page_not_found"
handler500 = "onewindow.core.views.server_error"
