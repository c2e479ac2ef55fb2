from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bearing.planning"
    label = "planning"
