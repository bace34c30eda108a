from django.urls import path, re_path

from . import api, staff_views, views

app_name = "sanctions"

urlpatterns = [
    path("sanctions/", views.index, name="index"),
    path("sanctions/export/", views.export_index, name="exports"),
    re_path(r"^sanctions/export/(?P<day>\d{4}-\d{2}-\d{2})\.(?P<fmt>csv|json)$", views.export_file, name="export"),
    path("sanctions/manage/", staff_views.dashboard, name="manage"),
    path("sanctions/manage/new/", staff_views.create, name="create"),
    path("sanctions/manage/<str:public_id>/", staff_views.manage, name="manage-decision"),
    path("sanctions/manage/<str:public_id>/evidence/<int:evidence_id>", staff_views.evidence_file, name="evidence"),
    path("sanctions/<str:public_id>/", views.detail, name="detail"),
    path("api/sanctions/", api.DecisionList.as_view(), name="api-list"),
    path("api/sanctions/<str:public_id>", api.DecisionDetail.as_view(), name="api-detail"),
]
