import logging
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from portal.notifications import notification_mark_read
from portal.selectors import health_status, notification_list
from projects.selectors import news_list, project_list

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = project_list()[:6]
        context["latest_news"] = news_list()[:3]
        return context


@never_cache
@require_safe
def healthz(request):
    """JSON health report: 200 when every component works, 503 naming the failing ones otherwise."""
    components = health_status()
    failing = sorted(name for name, state in components.items() if state == "error")
    if failing:
        logger.error("Health check failing: %s", ", ".join(failing))
    status = HTTPStatus.SERVICE_UNAVAILABLE if failing else HTTPStatus.OK
    return JsonResponse({"status": "error" if failing else "ok", "failing": failing, **components}, status=status)


@login_required
def notifications(request):
    return render(request, "portal/notifications.html", {"notifications": notification_list(user=request.user)})


@login_required
@require_POST
def notifications_read(request):
    notification_mark_read(user=request.user)
    return redirect("notifications")
