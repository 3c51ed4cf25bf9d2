from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from projects.models import Event, GoodPractice, Municipality, NewsItem, Project


class I18nSitemap(Sitemap):
    """Every page in each language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(I18nSitemap):
    priority = 0.8

    def items(self):
        return [
            "home",
            "projects:project-list",
            "projects:practice-list",
            "projects:municipality-list",
            "projects:news-list",
            "projects:event-list",
            "projects:resource-list",
            "training:programme-list",
            "training:event-list",
            "projects:privacy",
            "projects:contact",
            "projects:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class ProjectSitemap(I18nSitemap):
    def items(self):
        return Project.objects.order_by("slug")


class PracticeSitemap(I18nSitemap):
    def items(self):
        return GoodPractice.objects.order_by("slug")


class MunicipalitySitemap(I18nSitemap):
    def items(self):
        return Municipality.objects.order_by("slug")


class NewsSitemap(I18nSitemap):
    def items(self):
        return NewsItem.objects.order_by("slug")

    def lastmod(self, item):
        return item.published_on


class EventSitemap(I18nSitemap):
    def items(self):
        return Event.objects.order_by("slug")


SITEMAPS = {
    "pages": StaticSitemap,
    "projects": ProjectSitemap,
    "practices": PracticeSitemap,
    "municipalities": MunicipalitySitemap,
    "news": NewsSitemap,
    "events": EventSitemap,
}
