from django.urls import path

from alarfund.oversight import views as oversight_views
from alarfund.payments import views as payment_views
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
    path("payments/", payment_views.home, name="payments"),
    path("payments/release/", payment_views.release_home, name="payment_release"),
    path("oversight/", oversight_views.overview, name="oversight"),
    path("oversight/performance/", oversight_views.performance_home, name="performance"),
]
