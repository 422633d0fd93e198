from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "alur.strategy"
    label = "strategy"
    verbose_name = "Alur strategy"

    def ready(self) -> None:
        from alur.core.audit import register_action_labels

        register_action_labels(
            {
                "period.create": _("Period created"),
                "business_goal.create": _("Business goal created"),
                "objective.create": _("Objective created"),
                "objective.update": _("Objective changed"),
                "objective.review": _("Objective reviewed"),
                "key_result.create": _("Key result created"),
                "key_result.update": _("Key result changed"),
                "key_result.delete": _("Key result deleted"),
                "key_result.check_in": _("Check-in recorded"),
            }
        )
