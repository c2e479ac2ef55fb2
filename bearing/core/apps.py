from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bearing.core"
    label = "core"
    verbose_name = "Organisations and audit"
