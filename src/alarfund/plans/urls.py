from django.urls import path

from . import commitment_views, views

app_name = "plans"

urlpatterns = [
    path("rounds/<uuid:round_id>/", views.round_plan, name="round"),
    path("rounds/<uuid:round_id>/start/", views.start, name="start"),
    path("rounds/<uuid:round_id>/payment-list.xlsx", views.payment_list, name="payment_list"),
    path("rounds/<uuid:round_id>/commitments/", commitment_views.round_commitments, name="commitments"),
    path("commitments/<uuid:commitment_id>/", commitment_views.commitment_detail, name="commitment"),
    path(
        "commitments/<uuid:commitment_id>/payments/",
        commitment_views.commitment_payment,
        name="commitment_payment",
    ),
    path(
        "commitments/<uuid:commitment_id>/deliverables/",
        commitment_views.commitment_deliverable,
        name="commitment_deliverable",
    ),
    path("versions/<uuid:version_id>/", views.version_detail, name="version"),
    path("versions/<uuid:version_id>/compute/", views.compute, name="compute"),
    path("versions/<uuid:version_id>/switches/", views.switches, name="switches"),
    path("versions/<uuid:version_id>/adjustments/", views.adjust, name="adjust"),
    path("adjustments/<uuid:adjustment_id>/remove/", views.adjustment_remove, name="adjustment_remove"),
    path("versions/<uuid:version_id>/freeze/", views.freeze, name="freeze"),
    path("versions/<uuid:version_id>/approve/", views.approve, name="approve"),
    path("versions/<uuid:version_id>/new/", views.new_version, name="new_version"),
    path("versions/<uuid:version_id>/verify/", views.verify, name="verify"),
    path("versions/<uuid:version_id>/what-if/", views.what_if, name="what_if"),
    path("versions/<uuid:version_id>/plan.xlsx", views.export, {"kind": "xlsx"}, name="export_xlsx"),
    path("versions/<uuid:version_id>/plan.pdf", views.export, {"kind": "pdf"}, name="export_pdf"),
    path("versions/<uuid:version_id>/notice.xlsx", views.export, {"kind": "notice"}, name="export_notice"),
    path("files/<uuid:file_id>/", views.file_download, name="file"),
]
