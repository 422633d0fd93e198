"""Analytics records kept in the app database. The performance data itself lives in the warehouse
(:mod:`alur.analytics.warehouse`); here are the sources, the imports and their reports, campaign mappings,
the links from key results to metrics, and anomaly alerts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceFormat(models.TextChoices):
    GOOGLE_ADS = "google_ads", _("Google Ads report")
    META_ADS = "meta_ads", _("Meta Ads Manager export")
    GA4 = "ga4", _("Google Analytics 4 export")
    TIKTOK_ADS = "tiktok_ads", _("TikTok Ads Manager export")
    LINKEDIN_ADS = "linkedin_ads", _("LinkedIn Campaign Manager export")
    GENERIC = "generic", _("Other file (CSV, XLSX or Parquet) with a column mapping")
    TOUCHPOINTS = "touchpoints", _("Customer journeys (touchpoints, for attribution)")


class NumberStyle(models.TextChoices):
    AUTO = "", _("Detect from the file")
    INDONESIAN = "id", _("Indonesian (1.234,56)")
    ENGLISH = "en", _("English (1,234.56)")


class DateOrder(models.TextChoices):
    AUTO = "", _("Detect from the file")
    DAY_FIRST = "dmy", _("Day first (23/11/2026)")
    MONTH_FIRST = "mdy", _("Month first (11/23/2026)")


source_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,39}$", _("Use 2–40 lowercase letters, digits or underscores, e.g. shopee_ads.")
)


class DataSource(models.Model):
    """Where performance data comes from: a platform's export or a generic file with a saved mapping."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=40, validators=[source_key_validator])
    name = models.CharField(_("name"), max_length=80)
    format = models.CharField(_("format"), max_length=20, choices=SourceFormat.choices)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    number_style = models.CharField(_("number style"), max_length=2, choices=NumberStyle.choices, blank=True)
    date_order = models.CharField(_("date order"), max_length=3, choices=DateOrder.choices, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("Used when the file names no currency."))
    account = models.CharField(_("account"), max_length=120, blank=True, help_text=_("Used when the file names no account."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="analytics_source_key_unique")]

    def __str__(self) -> str:
        return self.name


class Import(models.Model):
    """One file (or one API batch of metric rows) brought into the warehouse, with its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        SUCCEEDED = "succeeded", _("Imported")
        UNCHANGED = "unchanged", _("Already imported")
        FAILED = "failed", _("Failed")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(upload_to="analytics/imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=20, blank=True)
    rows = models.BigIntegerField(_("rows"), default=0)
    replaced = models.BigIntegerField(default=0)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    # The period the person gave for a file that states none (whole-period rows without a date column).
    period_start = models.DateField(_("period starts"), null=True, blank=True)
    period_end = models.DateField(_("period ends"), null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the worker's last sign of life while running
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.UNCHANGED, self.Status.FAILED)


class FactFile(models.Model):
    """One Parquet file of facts in a DuckDB warehouse's fact directory (see :mod:`alur.analytics.factstore`):
    written by an import, read by every dashboard while it is current, retired when a newer import replaces
    its rows (then deleted from disk once no reader can still be using it)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)
    imp = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="fact_files")
    path = models.CharField(max_length=500)  # relative to the fact directory
    rows = models.BigIntegerField()
    date_from = models.DateField()
    date_to = models.DateField()
    accounts = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "retired_at"], name="analytics_factfile_current")]

    def __str__(self) -> str:
        return self.path


class CampaignMapping(models.Model):
    """A platform's campaign name → an Alur campaign. Without one, a campaign whose UTM campaign (its
    slug) equals the platform name is matched automatically."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    platform_campaign = models.CharField(_("campaign name in the report"), max_length=250)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["platform_campaign"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("platform_campaign"), name="analytics_campaign_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.platform_campaign} → {self.campaign}"


class KeyResultMetric(models.Model):
    """Links a key result to a KPI and a filter; its value is recomputed after every import and lands in the
    key result's check-in history as an automatic reading."""

    class Mode(models.TextChoices):
        PERIOD = "period", _("The KPI over the key result's period so far")
        START_PLUS = "start_plus", _("Start value plus the period's total (e.g. followers gained)")
        TRAILING_30 = "trailing_30", _("The KPI over the last 30 days of data")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key_result = models.OneToOneField("strategy.KeyResult", on_delete=models.CASCADE, related_name="metric_link")
    kpi = models.CharField(_("KPI"), max_length=40)
    mode = models.CharField(_("how it is counted"), max_length=12, choices=Mode.choices, default=Mode.PERIOD)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    last_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key_result} ← {self.kpi}"


class AnomalyAlert(models.Model):
    """An unusual day of a metric for a channel or campaign (see :mod:`alur.analytics.anomaly`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20)  # "channel", "campaign" or "all"
    dimension_value = models.CharField(max_length=250, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    day = models.DateField()
    value = models.FloatField()
    expected = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    score = models.FloatField()
    direction = models.CharField(max_length=4)
    severity = models.CharField(max_length=10)
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-score", "-id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "dedupe_key"], name="analytics_alert_dedupe")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.dimension_value} {self.day}"


class AnalyticsSettings(models.Model):
    """Where anomaly alerts go besides the in-app notice."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    alert_email = models.BooleanField(_("email alerts"), default=True)
    alert_webhook_url = models.URLField(_("alert webhook URL"), blank=True)
    alert_webhook_secret = models.CharField(_("webhook signing secret"), max_length=200, blank=True)
    anomaly_threshold = models.FloatField(_("alert threshold (robust z-score)"), default=3.5)

    def __str__(self) -> str:
        return f"analytics settings of {self.workspace_id}"


class Experiment(models.Model):
    """An A/B (or multivariate) test: its hypothesis, primary metric, guardrails and the plan — minimum
    detectable effect, alpha, power, baseline and traffic — from which the sample size per variant and the
    expected duration are computed before it starts (:func:`alur.analytics.selectors.experiments.experiment_plan`).

    Counts come typed in, from a CSV, or pulled from the warehouse (:attr:`pull_dimension` names the
    ``performance_facts`` column whose value each variant carries in :attr:`ExperimentVariant.data_value`;
    :attr:`pull_visitors` says whether clicks or sessions count as visitors; conversions and
    ``conversion_value`` are summed as conversions and value).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RUNNING = "running", _("Running")
        STOPPED = "stopped", _("Stopped")
        CONCLUDED = "concluded", _("Concluded")

    class Metric(models.TextChoices):
        CONVERSION = "conversion", _("Conversion rate (conversions ÷ visitors)")
        MEAN = "mean", _("Average value per visitor (e.g. revenue per visitor)")

    class PullDimension(models.TextChoices):
        AD = "ad", _("Ad")
        AD_SET = "ad_set", _("Ad set")
        CAMPAIGN = "campaign", _("Campaign")

    class PullVisitors(models.TextChoices):
        CLICKS = "clicks", _("Clicks")
        SESSIONS = "sessions", _("Sessions")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=150)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    metric = models.CharField(_("primary metric"), max_length=12, choices=Metric.choices, default=Metric.CONVERSION)
    metric_name = models.CharField(_("what counts as a conversion or value"), max_length=120, blank=True)
    guardrails = models.JSONField(_("guardrail metrics"), default=list, blank=True)
    mde = models.FloatField(_("minimum detectable effect"))
    mde_relative = models.BooleanField(_("effect is relative to the baseline"), default=False)
    alpha = models.FloatField(_("significance level (alpha)"), default=0.05)
    power = models.FloatField(_("power"), default=0.8)
    baseline_rate = models.FloatField(_("baseline conversion rate"), null=True, blank=True)
    baseline_mean = models.FloatField(_("baseline mean"), null=True, blank=True)
    baseline_std = models.FloatField(_("baseline standard deviation"), null=True, blank=True)
    daily_visitors = models.FloatField(_("expected visitors per day (all variants)"), null=True, blank=True)
    is_sequential = models.BooleanField(_("sequential testing (results may be checked every day)"), default=False)
    pull_dimension = models.CharField(
        _("variants in imported data by"), max_length=12, choices=PullDimension.choices, default=PullDimension.AD
    )
    pull_visitors = models.CharField(
        _("visitors in imported data are"), max_length=12, choices=PullVisitors.choices, default=PullVisitors.CLICKS
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.TextField(_("decision and learning"), blank=True)
    counts_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ExperimentVariant(models.Model):
    """One arm of an experiment with its counts: visitors, conversions, and for a continuous metric the
    sum and sum of squares of the value per visitor; optional pre-period sums (a covariate for CUPED); and
    per guardrail metric the count of its events (``guardrail_counts``: name → count)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("variant"), max_length=80)
    is_control = models.BooleanField(_("control"), default=False)
    traffic_share = models.FloatField(_("traffic share (%)"), default=50.0)
    data_value = models.CharField(_("name in imported data"), max_length=250, blank=True)
    visitors = models.BigIntegerField(_("visitors"), default=0)
    conversions = models.FloatField(_("conversions"), default=0.0)
    value_sum = models.FloatField(_("sum of values"), null=True, blank=True)
    value_sum_sq = models.FloatField(_("sum of squared values"), null=True, blank=True)
    pre_sum = models.FloatField(null=True, blank=True)
    pre_sum_sq = models.FloatField(null=True, blank=True)
    cross_sum = models.FloatField(null=True, blank=True)
    guardrail_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["experiment", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "name"], name="analytics_variant_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name
