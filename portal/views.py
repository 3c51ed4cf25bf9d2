import logging
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal.notifications import notification_mark_read, notifications_open
from portal.selectors import health_status, notification_list

logger = logging.getLogger(__name__)


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
    shown = notification_list(user=request.user)
    # Opening the page reads what it shows: marked "new" this once, no longer counted in the header.
    notifications_open(user=request.user, notifications=shown)
    return render(request, "portal/notifications.html", {"notifications": shown})


@login_required
@require_POST
def notifications_read(request):
    notification_mark_read(user=request.user)
    return redirect("notifications")
