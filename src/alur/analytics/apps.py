from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "alur.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from alur.analytics import factstore
        from alur.analytics.services import imports
        from alur.core.audit import register_action_labels
        from alur.core.periodic import register

        register("analytics_imports_recover", imports.imports_recover)
        register("analytics_fact_files", factstore.sweep)
        register("analytics_table_facts", factstore.adopt_table_facts)

        register_action_labels(
            {
                "analytics.source_create": _("Data source added"),
                "analytics.source_update": _("Data source changed"),
                "analytics.import": _("Performance data imported"),
                "analytics.import_retry": _("Import tried again"),
                "analytics.campaign_mapping": _("Campaign mapping changed"),
                "analytics.kr_link": _("Key result linked to a metric"),
                "analytics.kr_unlink": _("Key result unlinked from its metric"),
                "analytics.alert_ack": _("Anomaly alert acknowledged"),
                "analytics.settings": _("Alert settings changed"),
                "analytics.experiment_create": _("Experiment planned"),
                "analytics.experiment_update": _("Experiment plan changed"),
                "analytics.experiment_variants": _("Experiment variants changed"),
                "analytics.experiment_counts": _("Experiment counts recorded"),
                "analytics.experiment_running": _("Experiment started"),
                "analytics.experiment_stopped": _("Experiment stopped"),
                "analytics.experiment_concluded": _("Experiment concluded"),
            }
        )
