from django.contrib import admin
from django.urls import include, path

from collections_app import views

admin.site.site_header = "Collections"
admin.site.site_title = "Collections"
admin.site.index_title = "Workspace"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("collections_app.web.urls")),
]
urlpatterns += [path("webhooks/", include("collections_app.webhooks.urls"))]
urlpatterns += [path("api/", include("collections_app.api.urls"))]
