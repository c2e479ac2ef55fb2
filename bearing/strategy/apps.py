from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "bearing.strategy"
    label = "strategy"
