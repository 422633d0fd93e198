from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "alur.core"
    label = "core"
    verbose_name = "Alur core"
