"""URLs of the published IT Strategy (mounted at /strategy-document/)."""

from django.urls import path

from bearing.planning import publishing_views as views

app_name = "strategy_doc"

urlpatterns = [
    path("", views.document_latest, name="document_latest"),
    path("<int:pk>/", views.document_version, name="document_version"),
    path("<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:pk>/markdown/", views.document_markdown, name="document_markdown"),
    path("publish/<int:run_id>/", views.publish, name="publish"),
]
