from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alur.accounts"
    label = "accounts"
    verbose_name = "Alur accounts"
