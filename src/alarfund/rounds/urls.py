from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    # Public: the published rounds and each round's call for applications (申报通知).
    path("", views.public_list, name="public_list"),
    path("<uuid:round_id>/", views.call, name="call"),
    # The Commerce Bureau's pages.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<uuid:round_id>/", views.edit, name="edit"),
    path("manage/<uuid:round_id>/status/", views.transition, name="transition"),
    path("manage/<uuid:round_id>/materials/", views.material_add, name="material_add"),
    path("manage/<uuid:round_id>/auditors/", views.auditor_engage, name="auditor_engage"),
]
