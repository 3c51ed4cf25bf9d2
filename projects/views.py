from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from portal.access import is_caseworker
from portal.agenda import agenda_past, agenda_upcoming
from portal.page_cache import PageCacheMixin
from portal.retention import retention_categories
from projects import selectors
from projects.filters import GoodPracticeFilter, ProjectFilter, ResourceFilter
from projects.models import InfoPage, NewsItem, ProjectPartner
from projects.services import news_rate

PAGE_SIZE = 12


class SelectorDetailView(PageCacheMixin, DetailView):
    """A detail page whose object comes from a selector taking the slug."""

    selector = None

    def get_object(self, queryset=None):
        return get_object_or_404(type(self).selector(slug=self.kwargs["slug"]))


class SelectorFilterView(PageCacheMixin, FilterView):
    """A filtered, paginated list whose rows come from a selector."""

    selector = None
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return type(self).selector()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # How many filters are set, shown on the "Filters" button that folds the form on small screens.
        form = self.filterset.form
        context["active_filter_count"] = sum(
            1 for name in form.fields if any(value.strip() for value in self.request.GET.getlist(form.add_prefix(name)))
        )
        return context


class ProjectListView(SelectorFilterView):
    selector = selectors.project_list
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"


class ProjectDetailView(SelectorDetailView):
    selector = selectors.project_get
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        items = list(project.items.all())
        context |= {
            "objectives": [item for item in items if item.kind == "objective"],
            "activities": [item for item in items if item.kind == "activity"],
            "approach": [item for item in items if item.kind == "approach"],
            "partner_groups": _group_partners(project.partners.all()),
        }
        return context


def _group_partners(partners) -> list[tuple[str, list[ProjectPartner]]]:
    groups: dict[str, list[ProjectPartner]] = {}
    for partner in partners:
        groups.setdefault(partner.role, []).append(partner)
    return [(heading, groups[role]) for role, heading in ProjectPartner.GROUP_HEADINGS.items() if role in groups]


class PracticeListView(SelectorFilterView):
    selector = selectors.practice_list
    filterset_class = GoodPracticeFilter
    template_name = "projects/practice_list.html"


class PracticeDetailView(SelectorDetailView):
    selector = selectors.practice_get
    template_name = "projects/practice_detail.html"
    context_object_name = "practice"


class MunicipalityListView(PageCacheMixin, ListView):
    template_name = "projects/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50

    def get_queryset(self):
        return selectors.municipality_list()


class MunicipalityDetailView(SelectorDetailView):
    selector = selectors.municipality_get
    template_name = "projects/municipality_detail.html"
    context_object_name = "municipality"


class NewsListView(PageCacheMixin, ListView):
    template_name = "projects/news_list.html"
    context_object_name = "news_items"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.news_list()


class NewsDetailView(SelectorDetailView):
    selector = selectors.news_get
    template_name = "projects/news_detail.html"
    context_object_name = "news_item"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["my_rating"] = selectors.news_rating_of(news_item=self.object, user=self.request.user)
        context["rating_choices"] = range(1, 6)
        return context


@require_POST
def news_rate_view(request, slug):
    news_item = get_object_or_404(NewsItem, slug=slug)
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to rate news."))
        return redirect_to_login(news_item.get_absolute_url())
    try:
        news_rate(news_item=news_item, user=request.user, value=request.POST.get("value", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your rating is saved."))
    return redirect(news_item.get_absolute_url() + "#rating")


class EventListView(PageCacheMixin, ListView):
    """One agenda: the catalogue's events, the information meetings and the training sessions (registered
    by training in `portal.agenda`), upcoming ones first, then the past ones, paginated."""

    template_name = "projects/event_list.html"
    context_object_name = "past_items"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return agenda_past()

    def get_context_data(self, **kwargs):
        return super().get_context_data(upcoming_items=agenda_upcoming(), **kwargs)


class EventDetailView(SelectorDetailView):
    selector = selectors.event_get
    template_name = "projects/event_detail.html"
    context_object_name = "event"


class ResourceListView(SelectorFilterView):
    selector = selectors.resource_list
    filterset_class = ResourceFilter
    template_name = "projects/resource_list.html"


class HomeView(PageCacheMixin, TemplateView):
    """The home page: the latest projects and news."""

    template_name = "projects/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = selectors.project_list()[:6]
        context["latest_news"] = selectors.news_list()[:3]
        return context


class InfoPageView(PageCacheMixin, DetailView):
    """The privacy notice, the contact page or the accessibility statement (`kind` from the URL)."""

    kind = InfoPage.Kind.PRIVACY
    template_name = "projects/info_page.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.info_page_get(kind=self.kind))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= {
            # Staff see what is still to be completed; visitors (cached pages) never do.
            "show_missing": is_caseworker(self.request.user),
            "retention": (
                [(category.label, category.rule()) for category in retention_categories()]
                if self.kind == InfoPage.Kind.PRIVACY
                else []
            ),
        }
        return context
