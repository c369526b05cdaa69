"""Oversight routes (the work areas `web:oversight` and `web:performance` are in web/urls.py)."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("years/export/", views.years_export, name="years_export"),
    path("rounds/<uuid:round_id>/", views.round_dashboard, name="round"),
    path("rounds/<uuid:round_id>/export/", views.round_table_export, name="round_export"),
    path("report/<uuid:round_id>/", views.performance_report, name="report"),
    path("report/<uuid:round_id>/pdf/", views.performance_pdf, name="report_pdf"),
    path("report/<uuid:round_id>/xlsx/", views.performance_xlsx, name="report_xlsx"),
]
