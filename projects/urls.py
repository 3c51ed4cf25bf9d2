from django.urls import path

from projects import views
from projects.models import InfoPage

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("good-practices/", views.PracticeListView.as_view(), name="practice-list"),
    path("good-practices/<slug:slug>/", views.PracticeDetailView.as_view(), name="practice-detail"),
    path("municipalities/", views.MunicipalityListView.as_view(), name="municipality-list"),
    path("municipalities/<slug:slug>/", views.MunicipalityDetailView.as_view(), name="municipality-detail"),
    path("news/", views.NewsListView.as_view(), name="news-list"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-detail"),
    path("news/<slug:slug>/rate/", views.news_rate_view, name="news-rate"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("resources/", views.ResourceListView.as_view(), name="resource-list"),
    path("privacy/", views.InfoPageView.as_view(kind=InfoPage.Kind.PRIVACY), name="privacy"),
    path("contact/", views.InfoPageView.as_view(kind=InfoPage.Kind.CONTACT), name="contact"),
    path("accessibility/", views.InfoPageView.as_view(kind=InfoPage.Kind.ACCESSIBILITY), name="accessibility"),
]
