from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "bearing.demand"
    label = "demand"
