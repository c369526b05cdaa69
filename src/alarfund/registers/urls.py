from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("import/", views.entry_import, name="import"),
    path("export.csv", views.entry_export, name="export"),
    path("<uuid:entry_id>/", views.entry_edit, name="edit"),
    path("<uuid:entry_id>/withdraw/", views.entry_withdraw, name="withdraw"),
    path("files/<uuid:file_id>/", views.file_download, name="file"),
]
