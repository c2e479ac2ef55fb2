from django.urls import path

from bearing.demand import views

app_name = "demand"

urlpatterns = [
    path("", views.demand_list, name="demand_list"),
    path("new/", views.demand_create, name="demand_create"),
    path("<int:pk>/", views.demand_detail, name="demand_detail"),
    path("<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("<int:pk>/estimate/", views.demand_estimate, name="demand_estimate"),
    path("<int:pk>/transition/", views.demand_transition, name="demand_transition"),
    path("<int:pk>/comment/", views.demand_comment, name="demand_comment"),
]
