from django.urls import path

from bearing.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
]
