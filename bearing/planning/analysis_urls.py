from django.urls import path

from bearing.planning import analysis_views as views

app_name = "analysis"

urlpatterns = [
    path("scoring/", views.scoring, name="scoring"),
    path("scoring/direct/", views.scoring_direct, name="scoring_direct"),
    path("scoring/compare/", views.scoring_compare, name="scoring_compare"),
    path("scoring/recompute/", views.scoring_recompute, name="scoring_recompute"),
    path("demands/<int:pk>/score/", views.demand_score, name="demand_score"),
    path("sufficiency/", views.sufficiency, name="sufficiency"),
    path("sufficiency/scenario/", views.sufficiency_scenario, name="sufficiency_scenario"),
    path("compare/", views.compare, name="compare"),
    path("alignment/", views.alignment, name="alignment"),
    path("trace/", views.trace, name="trace"),
    path("trace/objectives/<int:pk>/", views.trace_objective, name="trace_objective"),
    path("trace/demands/<int:pk>/", views.trace_demand, name="trace_demand"),
]
