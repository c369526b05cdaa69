from django.urls import path

from alarfund.plans import views as plan_views
from alarfund.review import views as review_views

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # The review work queues (issue 5) keep the work areas' names.
    path("review/first/", review_views.queue_first, name="review_first"),
    path("review/second/", review_views.queue_second, name="review_second"),
    path("audit/", review_views.queue_audit, name="audit_work"),
    path("opinions/", review_views.queue_opinions, name="department_opinions"),
    path("plan/", plan_views.prepare_home, name="plan_prepare"),
    path("plan/approval/", plan_views.approve_home, name="plan_approve"),
    path("payments/", views.workspace_view("payments"), name="payments"),
    path("payments/release/", views.workspace_view("payment_release"), name="payment_release"),
    path("oversight/", views.workspace_view("oversight"), name="oversight"),
]
