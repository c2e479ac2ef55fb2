"""URL map: each app's pages under its own prefix, the REST API under /api/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("demands/", include("bearing.demand.urls")),
    path("capacity/", include("bearing.capacity.urls")),
    path("strategy/", include("bearing.strategy.urls")),
    path("planning/analysis/", include("bearing.planning.analysis_urls")),
    path("planning/", include("bearing.planning.urls")),
    path("strategy-document/", include("bearing.planning.publishing_urls")),
    path("", include("bearing.core.urls")),
]
