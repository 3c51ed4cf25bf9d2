from django.urls import path

from sponsorship import views

app_name = "sponsorship"

urlpatterns = [
    path("sponsor/", views.dashboard, name="dashboard"),
    path("sponsor/profile/", views.profile, name="profile"),
    path("sponsor/group/", views.group, name="group"),
    path("sponsor/invitations/<str:token>/", views.invitation, name="invitation"),
    path("sponsor/my-data.json", views.data_export, name="export"),
    path("sponsor/delete/", views.account_delete, name="delete"),
]
