from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bearing.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from bearing.planning import policies

        policies.register()
