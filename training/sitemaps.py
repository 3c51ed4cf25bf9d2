"""Training pages in the sitemap: only what the training selectors make public."""

from projects.sitemaps import I18nSitemap
from training import selectors


class ProgrammeSitemap(I18nSitemap):
    def items(self):
        return selectors.programme_list().order_by("slug")


class TrainingSessionSitemap(I18nSitemap):
    def items(self):
        return selectors.session_list().order_by("pk")


class RecruitmentEventSitemap(I18nSitemap):
    def items(self):
        return selectors.event_list().order_by("slug")


SITEMAPS = {
    "training": ProgrammeSitemap,
    "sessions": TrainingSessionSitemap,
    "meetings": RecruitmentEventSitemap,
}
