from django.urls import path

from . import views_calendar, views_public, views_staff

app_name = "notices"

urlpatterns = [
    # Public (no sign-in): the notices, one notice, printable lists, exports, objections, lookup.
    path("", views_public.public_list, name="public_list"),
    path("<uuid:notice_id>/", views_public.public_detail, name="public_detail"),
    path("<uuid:notice_id>/print/", views_public.printable, name="print"),
    path("<uuid:notice_id>/notice.xlsx", views_public.export, {"kind": "xlsx"}, name="export_xlsx"),
    path("<uuid:notice_id>/notice.csv", views_public.export, {"kind": "csv"}, name="export_csv"),
    path("<uuid:notice_id>/objections/new/", views_public.object_new, name="object"),
    path("objections/lookup/", views_public.lookup, name="lookup"),
    # The Commerce Bureau.
    path("manage/versions/<uuid:version_id>/publish/", views_staff.publish, name="publish"),
    path("manage/<uuid:notice_id>/", views_staff.manage, name="manage"),
    path("manage/<uuid:notice_id>/close/", views_staff.close, name="close"),
    path("manage/<uuid:notice_id>/withdraw/", views_staff.withdraw, name="withdraw"),
    path("manage/objections/<uuid:objection_id>/", views_staff.objection_detail, name="objection"),
    path(
        "manage/objections/<uuid:objection_id>/attachment/",
        views_staff.objection_attachment,
        name="objection_attachment",
    ),
    # The administrator: the working-day calendar.
    path("calendar/", views_calendar.home, name="calendar"),
    path("calendar/days/", views_calendar.day_add, name="calendar_day_add"),
    path("calendar/days/<uuid:day_id>/remove/", views_calendar.day_remove, name="calendar_day_remove"),
    path("calendar/years/", views_calendar.year_set, name="calendar_year"),
]
