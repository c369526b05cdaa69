"""The review's object pages. The work queues keep the work areas' names (web:review_first …)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("applications/<uuid:application_id>/", views.application, name="application"),
    path("applications/<uuid:application_id>/decide/", views.decide, name="decide"),
    path("applications/<uuid:application_id>/audit/", views.audit, name="audit"),
    path("applications/<uuid:application_id>/opinion/", views.opinion, name="opinion"),
    path("applications/<uuid:application_id>/final/", views.final, name="final"),
    path("applications/<uuid:application_id>/ready/", views.ready, name="ready"),
    path("bulk-accept/", views.bulk_accept, name="bulk_accept"),
]
