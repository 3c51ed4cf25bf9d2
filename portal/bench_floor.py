"""The floor of a signed-in page, for `manage.py bench`: the portal's URLconf plus two pages that do
nothing of their own, served under `portal.settings.bench` (the production settings with this
URLconf) by the same gunicorn as every other page of the benchmark.

- `/lt/bench/signed-in/`: a signed-in person gets a one-line page. The cost of the middleware, the
  session and the user, which every signed-in page pays before doing anything.
- `/lt/bench/signed-in-layout/`: the same person gets the portal's layout (header, menu, language
  switcher, footer) with an empty main part. What every signed-in page pays before showing anything
  of its own.

They tell how much of a signed-in page's time is its own work, and how near the bare view a signed-in
page can come at all. They exist only in the benchmark's server, never in the portal's URLconf.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

FLOOR_PATHS = ("/lt/bench/signed-in/", "/lt/bench/signed-in-layout/")


@login_required
def signed_in(request):
    return HttpResponse("<!DOCTYPE html>\n<p>Signed in.</p>\n")


@login_required
def signed_in_layout(request):
    return render(request, "base.html", {})


urlpatterns = [
    *portal_urlpatterns,
    *i18n_patterns(
        path("bench/signed-in/", signed_in),
        path("bench/signed-in-layout/", signed_in_layout),
        prefix_default_language=True,
    ),
]
