from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("applications/<uuid:application_id>/", views.report, name="report"),
    path("applications/<uuid:application_id>/status/", views.status, name="status"),
    path("applications/<uuid:application_id>/report.csv", views.download_csv, name="report_csv"),
    path("applications/<uuid:application_id>/report.xlsx", views.download_xlsx, name="report_xlsx"),
    path("applications/<uuid:application_id>/run/", views.rerun, name="rerun"),
]
