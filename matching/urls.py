from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("sponsor/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("caseworker/", views.caseworker_dashboard, name="caseworker-dashboard"),
]
