from django.urls import path

from housing import views

app_name = "housing"

urlpatterns = [
    path("sponsor/offers/new/", views.offer_create, name="offer-create"),
    path("sponsor/offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("sponsor/offers/<int:pk>/edit/", views.offer_edit, name="offer-edit"),
    path("sponsor/offers/<int:pk>/edit/<slug:step>/", views.offer_edit_step, name="offer-edit-step"),
    path("sponsor/offers/<int:pk>/photos/", views.offer_photo_add, name="offer-photo-add"),
    path("sponsor/offers/<int:pk>/photos/<int:photo_pk>/move/", views.offer_photo_move, name="offer-photo-move"),
    path("sponsor/offers/<int:pk>/photos/<int:photo_pk>/delete/", views.offer_photo_delete, name="offer-photo-delete"),
    path("sponsor/offers/<int:pk>/submit/", views.offer_submit, name="offer-submit"),
    path("sponsor/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer-withdraw"),
    path("sponsor/offers/<int:pk>/reconfirm/", views.offer_reconfirm, name="offer-reconfirm"),
    path("sponsor/offers/<int:pk>/reopen/", views.offer_reopen, name="offer-reopen"),
]
