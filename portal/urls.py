from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from portal import media, views
from projects.sitemaps import SITEMAPS
from projects.views import HomeView
from training.sitemaps import SITEMAPS as TRAINING_SITEMAPS

# Staff sign in through allauth (verified email, rate limits), never through a weaker admin form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "sitemap.xml", sitemap, {"sitemaps": SITEMAPS | TRAINING_SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"
    ),
    # Every uploaded file goes through this view, which asks the file's app who may read it.
    # MEDIA_URL is served by nothing (neither here nor by the front server).
    path("files/<path:name>", media.media_file, name="media-file"),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    # Under the language prefix, so that the switcher can translate the current page's URL. Without a
    # CSRF token: the switcher is on every page, and a token would make every page personal (a cookie
    # per visitor, nothing cacheable), while a forged request could only change a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("", include("projects.urls")),
    path("", include("sponsorship.urls")),
    path("", include("housing.urls")),
    path("", include("matching.urls")),
    path("", include("training.urls")),
    path("accounts/", include("allauth.urls")),
    path(settings.DJANGO_ADMIN_URL, admin.site.urls),
    prefix_default_language=True,
)
