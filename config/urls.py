from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from collections_app import views
from collections_app.web.locale import preferences_view

admin.site.site_header = _("Collections")
admin.site.site_title = _("Collections")
admin.site.index_title = _("Workspace")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "admin/preferences/",
        admin.site.admin_view(preferences_view),
        name="workspace_preferences",
    ),
    path("admin/", admin.site.urls),
    path("", include("collections_app.web.urls")),
]
urlpatterns += [path("webhooks/", include("collections_app.webhooks.urls"))]
urlpatterns += [path("api/", include("collections_app.api.urls"))]
