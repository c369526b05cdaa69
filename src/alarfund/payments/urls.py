from django.urls import path

from . import clawback_views, views

app_name = "payments"

urlpatterns = [
    path("rounds/<uuid:round_id>/", views.round_payments, name="round"),
    path("rounds/<uuid:round_id>/prepare/", views.prepare, name="prepare"),
    path("rounds/<uuid:round_id>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("batches/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/release/", views.release, name="release"),
    path("batches/<uuid:batch_id>/cancel/", views.cancel, name="cancel"),
    path("batches/<uuid:batch_id>/reissue/", views.reissue_all, name="reissue_all"),
    path("batches/<uuid:batch_id>/transfers.xlsx", views.export, {"kind": "xlsx"}, name="export_xlsx"),
    path("batches/<uuid:batch_id>/transfers.csv", views.export, {"kind": "csv"}, name="export_csv"),
    path("batches/<uuid:batch_id>/bank-results/", views.import_results, name="import_results"),
    path(
        "batches/<uuid:batch_id>/bank-results-template.xlsx", views.results_template, name="results_template"
    ),
    path("payments/<uuid:payment_id>/paid/", views.mark_paid, name="paid"),
    path("payments/<uuid:payment_id>/failed/", views.mark_failed, name="failed"),
    path("payments/<uuid:payment_id>/reissue/", views.reissue, name="reissue"),
    path("findings/", clawback_views.findings, name="findings"),
    path("rounds/<uuid:round_id>/findings/new/", clawback_views.finding_new, name="finding_new"),
    path("findings/<uuid:finding_id>/", clawback_views.finding_detail, name="finding"),
    path("findings/<uuid:finding_id>/recoveries/", clawback_views.recovery, name="recovery"),
    path("finding-files/<uuid:file_id>/", clawback_views.finding_file, name="finding_file"),
]
