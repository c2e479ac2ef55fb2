from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "bearing.capacity"
    label = "capacity"
