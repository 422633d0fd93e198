"""The demo workspace's campaigns: one waiting for management approval of its plan, one in creation."""

from __future__ import annotations

import datetime as dt

from alur.accounts.models import User, Workspace
from alur.campaigns import services
from alur.campaigns.models import Campaign
from alur.strategy.models import KeyResult

PERSONA = (
    "Rina, 28 tahun, karyawan swasta di Jakarta Selatan. Minum kopi dua kali sehari, membeli lewat aplikasi, "
    "mengikuti akun kuliner di Instagram dan TikTok. Peduli asal-usul biji kopi dan kemasan yang bisa didaur ulang."
)


def _finish_stage(campaign: Campaign, worker: User, content: dict[str, str]) -> None:
    stage = campaign.workflow_version.workflow.stage(campaign.stage_key)
    for output in stage.outputs:
        services.output_save(
            actor=worker,
            campaign=campaign,
            stage_key=stage.key,
            output_key=output.key,
            content=content.get(output.key, "Lihat dokumen terlampir."),
        )
    for item in stage.checklist:
        services.checklist_mark(actor=worker, campaign=campaign, stage_key=stage.key, item_key=item.key, is_done=True)


def campaigns_demo_seed(workspace: Workspace, users: dict[str, User]) -> None:
    """Create the demo campaigns once; a second run finds them and changes nothing."""
    planner, manager = users["campaign"], users["manager"]
    if not Campaign.objects.filter(workspace=workspace, name="Peluncuran Kopi Susu Gula Aren Botol").exists():
        launch = services.campaign_create(
            actor=planner,
            workspace=workspace,
            name="Peluncuran Kopi Susu Gula Aren Botol",
            owner=planner,
            template_key="product_launch",
            start_date=dt.date(2027, 1, 5),
            end_date=dt.date(2027, 3, 31),
        )
        key_results = list(
            KeyResult.objects.filter(workspace=workspace, metric__in=["Lead dari website", "AOV"]).values_list("pk", flat=True)
        )
        services.campaign_update(
            actor=planner,
            campaign=launch,
            key_result_ids=key_results,
            buyer_persona=PERSONA,
            key_message="Kopi susu gula aren favoritmu, kini siap minum dalam botol kaca.",
            target_audience="Pekerja kantoran 22–35 tahun di Jabodetabek dan Surabaya.",
        )
        _finish_stage(launch, planner, {"buyer_persona": PERSONA})
        launch = services.campaign_advance(actor=planner, campaign=launch)
        for channel, amounts in {
            "ads": ("25.000.000", "20.000.000", "15.000.000"),
            "social": ("8.000.000", "8.000.000", "6.000.000"),
            "email": ("2.000.000", "2.000.000", "2.000.000"),
        }.items():
            for month, amount in zip((1, 2, 3), amounts, strict=True):
                services.budget_line_set(
                    actor=planner, campaign=launch, channel=channel, month=dt.date(2027, month, 1), planned=amount
                )
        _finish_stage(
            launch,
            planner,
            {"marketing_plan": "KPI: 1.500 botol terjual di bulan pertama; CPA maks. Rp35.000; anggaran Rp88 juta."},
        )
        services.approval_request(actor=planner, campaign=launch)
        services.raci_set(actor=planner, campaign=launch, stage_key="planning", user=manager, letter="A")
        services.raci_set(actor=planner, campaign=launch, stage_key="planning", user=planner, letter="R")
        services.raci_set(actor=planner, campaign=launch, stage_key="creation", user=users["creator"], letter="R")
        services.raci_set(actor=planner, campaign=launch, stage_key="creation", user=users["designer"], letter="R")
        services.raci_set(actor=planner, campaign=launch, stage_key="creation", user=planner, letter="A")
        services.raci_set(actor=planner, campaign=launch, stage_key="creation", user=users["approver"], letter="C")
        photos = services.task_create(
            actor=planner,
            campaign=launch,
            title="Foto produk botol (studio)",
            owner=users["designer"],
            estimate_hours="24",
            due_date=dt.date(2027, 1, 8),
            checklist=["Sewa studio", "Properti kopi & gula aren", "Retouch 20 foto"],
        )
        banners = services.task_create(
            actor=planner,
            campaign=launch,
            title="Banner iklan 5 ukuran",
            owner=users["designer"],
            estimate_hours="20",
            due_date=dt.date(2027, 1, 11),
        )
        services.task_add_dependency(actor=planner, task=banners, depends_on=photos)
        email = services.task_create(
            actor=planner,
            campaign=launch,
            title="Email peluncuran ke pelanggan",
            owner=users["creator"],
            estimate_hours="6",
            due_date=dt.date(2027, 1, 12),
            checklist=["Draf", "Review legal (klaim gula aren asli)"],
        )
        services.task_add_dependency(actor=planner, task=email, depends_on=photos)
        services.task_move(actor=users["designer"], task=photos, status="doing")
    if not Campaign.objects.filter(workspace=workspace, name="Ramadan 2027: Paket Hampers Kopi").exists():
        ramadan = services.campaign_create(
            actor=planner,
            workspace=workspace,
            name="Ramadan 2027: Paket Hampers Kopi",
            owner=planner,
            template_key="awareness",
            start_date=dt.date(2027, 2, 1),
            end_date=dt.date(2027, 3, 20),
        )
        _finish_stage(ramadan, planner, {"buyer_persona": PERSONA})
        ramadan = services.campaign_advance(actor=planner, campaign=ramadan)
        services.budget_line_set(
            actor=planner, campaign=ramadan, channel="influencer", month=dt.date(2027, 2, 1), planned="30.000.000"
        )
        services.budget_line_set(
            actor=planner, campaign=ramadan, channel="social", month=dt.date(2027, 2, 1), planned="10.000.000"
        )
        _finish_stage(ramadan, planner, {"marketing_plan": "Target 800 hampers; 5 kreator kuliner; anggaran Rp40 juta."})
        services.approval_request(actor=planner, campaign=ramadan)
        services.approval_decide(actor=manager, campaign=ramadan, is_approved=True, comment="Setuju, pantau CPA mingguan.")
        services.campaign_advance(actor=planner, campaign=ramadan)
