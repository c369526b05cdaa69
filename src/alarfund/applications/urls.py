from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/<uuid:round_id>/", views.start, name="start"),
    path("<uuid:application_id>/", views.detail, name="detail"),
    path("<uuid:application_id>/edit/", views.edit, name="edit"),
    path("<uuid:application_id>/materials/", views.materials, name="materials"),
    path("<uuid:application_id>/submit/", views.submit, name="submit"),
    path("<uuid:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:application_id>/form/", views.form_print, name="form"),
    path("<uuid:application_id>/form.pdf", views.form_pdf, name="form_pdf"),
]
