from django.urls import path

from bearing.planning import views

app_name = "planning"

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("scenarios/new/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/run/", views.scenario_run, name="scenario_run"),
    path("scenarios/<int:pk>/plan/", views.scenario_plan, name="scenario_plan"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/roadmap/", views.run_roadmap, name="run_roadmap"),
    path("runs/<int:pk>/capacity/", views.run_capacity, name="run_capacity"),
    path("runs/<int:pk>/unscheduled/", views.run_unscheduled, name="run_unscheduled"),
    path("runs/<int:pk>/explanations/", views.run_explanations, name="run_explanations"),
    path("runs/<int:pk>/priority/", views.run_priority, name="run_priority"),
    path("runs/<int:pk>/frontier/", views.run_frontier, name="run_frontier"),
    path("runs/<int:pk>/frontier/compute/", views.run_frontier_compute, name="run_frontier_compute"),
]
