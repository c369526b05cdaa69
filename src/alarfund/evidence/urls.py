from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("files/<uuid:file_id>/", views.download, name="download"),
]
