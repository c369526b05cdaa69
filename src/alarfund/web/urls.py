from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("review/first/", views.workspace_view("review_first"), name="review_first"),
    path("review/second/", views.workspace_view("review_second"), name="review_second"),
    path("audit/", views.workspace_view("audit"), name="audit_work"),
    path("opinions/", views.workspace_view("opinions"), name="department_opinions"),
    path("plan/", views.workspace_view("plan"), name="plan_prepare"),
    path("plan/approval/", views.workspace_view("plan_approve"), name="plan_approve"),
    path("payments/", views.workspace_view("payments"), name="payments"),
    path("payments/release/", views.workspace_view("payment_release"), name="payment_release"),
    path("oversight/", views.workspace_view("oversight"), name="oversight"),
]
