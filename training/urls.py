from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("training/", views.programme_list, name="programme-list"),
    path("training/sessions.ics", views.sessions_ical, name="sessions-ical"),
    path("training/programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("training/sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("training/sessions/<int:pk>/calendar.ics", views.session_ical, name="session-ical"),
    path("training/sessions/<int:pk>/enrol/", views.session_enrol, name="session-enrol"),
    path("training/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("training/enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment-cancel"),
    path("training/certificates/", views.certificate_lookup, name="certificate-lookup"),
    path("training/certificates/<str:code>/", views.certificate, name="certificate"),
    path("meetings/", views.event_list, name="event-list"),
    path("meetings.ics", views.events_ical, name="events-ical"),
    path("meetings/<slug:slug>/", views.event_detail, name="event-detail"),
]
