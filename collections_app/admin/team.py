"""The supervisor view: each agent's open cases, promises due, this week's right-party contacts
and kept promises, and callbacks overdue (selectors/team.py), with links into the case list."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import CollectionCase
from collections_app.selectors.queues import queue_cases
from collections_app.selectors.team import SUPERVISOR_VIEW_PERMISSION, team_numbers, week_start

TEMPLATE = "admin/collections_app/team_dashboard.html"
URL_NAME = "collections_app_team_dashboard"
# Django's index with the workspace's links first (My queue; the supervisor view for those who
# may see it). Set on the site: django.contrib.admin's own index.html comes first in the
# template search, so an app template of the same name would never be used.
admin.site.index_template = "admin/collections_app/index.html"


class TeamViewMixin:
    """On the agent profiles' admin: the page is about the agents."""

    def get_urls(self) -> list[URLPattern]:
        view = path("team/", self.admin_site.admin_view(self.team_view), name=URL_NAME)
        return [view, *super().get_urls()]

    def team_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(SUPERVISOR_VIEW_PERMISSION):
            raise PermissionDenied
        now = timezone.now()
        cases_url = reverse("admin:collections_app_collectioncase_changelist")
        waiting = queue_cases(
            CollectionCase.objects.all(), "promise_waits_for_supervisor", user=request.user
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Supervisor view"),
            "opts": self.model._meta,
            "rows": team_numbers(now=now),
            "week_start": timezone.localtime(week_start(now)).date(),
            "cases_url": cases_url,
            # Bounded: the page never counts more than it would show as "100+".
            "waiting_count": waiting.order_by()[:101].count(),
            "waiting_url": f"{cases_url}?queue=promise_waits_for_supervisor",
        }
        return TemplateResponse(request, TEMPLATE, context)
