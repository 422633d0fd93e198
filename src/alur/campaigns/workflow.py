"""Workflow definitions as data: parsing and validation, gate evaluation, and Mermaid diagrams.

Framework-free. A definition is JSON a team edits without a deploy::

    {"stages": [{"key": "discovery", "name": {"id": "Riset", "en": "Discovery"}, "responsible_role": "strategist",
                 "outputs": [{"key": "buyer_persona", "name": {...}}], "checklist": [{"key": "...", "name": {...}}],
                 "gate": {"approval": false}, "kpi_review": false}, ...]}

The default is seed 000's six stages (Discovery, Planning, Creation, Distribution, Optimization, Reporting) with
seed 001's management approval gate before execution (leaving Planning needs the plan approved) and seed 001's
phase-3 loop at Optimization ("KPI achieved?" — yes: on to Reporting; no: identify the problem, optimise the
strategy, analyse again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LANGUAGES = ("id", "en")
ROLES = (
    "manager",
    "strategist",
    "campaign_manager",
    "content_creator",
    "designer",
    "social_media_specialist",
    "community_manager",
    "performance_marketer",
    "data_analyst",
    "approver",
    "client",
    "contractor",
)


class DefinitionError(Exception):
    """The definition is not valid; ``problems`` lists every problem, each naming where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Item:
    """A required output (a document) or a checklist item."""

    key: str
    names: Mapping[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.key


@dataclass(frozen=True)
class Stage:
    key: str
    names: Mapping[str, str]
    responsible_role: str
    outputs: tuple[Item, ...] = ()
    checklist: tuple[Item, ...] = ()
    needs_approval: bool = False
    kpi_review: bool = False
    is_launch: bool = False  # entering this stage means going live: big campaigns need launch readiness

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.key


@dataclass(frozen=True)
class Workflow:
    stages: tuple[Stage, ...]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def index(self, key: str) -> int:
        return [stage.key for stage in self.stages].index(key)

    def next_stage(self, key: str) -> Stage | None:
        position = self.index(key)
        return self.stages[position + 1] if position + 1 < len(self.stages) else None

    def previous_stage(self, key: str) -> Stage | None:
        position = self.index(key)
        return self.stages[position - 1] if position > 0 else None


def _names(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: give the name in Indonesian and English, as {{'id': …, 'en': …}}.")
        return {}
    names = {language: str(value.get(language, "")).strip() for language in LANGUAGES}
    for language in LANGUAGES:
        if not names[language]:
            problems.append(f"{where}: the name in '{language}' is missing.")
        elif len(names[language]) > 80:
            problems.append(f"{where}: the name in '{language}' is longer than 80 characters.")
    return names


def _items(value: Any, where: str, problems: list[str]) -> tuple[Item, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list.")
        return ()
    items: list[Item] = []
    seen: set[str] = set()
    for position, raw in enumerate(value, start=1):
        here = f"{where} item {position}"
        if not isinstance(raw, Mapping):
            problems.append(f"{here}: expected an object with 'key' and 'name'.")
            continue
        key = str(raw.get("key", ""))
        if not KEY_PATTERN.match(key):
            problems.append(f"{here}: the key {key!r} must be lowercase letters, digits and _ (starting with a letter).")
        elif key in seen:
            problems.append(f"{here}: the key {key!r} is used twice.")
        seen.add(key)
        items.append(Item(key=key, names=_names(raw.get("name"), here, problems)))
    return tuple(items)


def parse_workflow(data: Any) -> Workflow:
    """Validate a definition and return it; raise :class:`DefinitionError` with every problem found."""
    problems: list[str] = []
    raw_stages = data.get("stages") if isinstance(data, Mapping) else None
    if not isinstance(raw_stages, list) or not raw_stages:
        raise DefinitionError(["The workflow needs a list of stages with at least one stage."])
    if len(raw_stages) > 30:
        problems.append("A workflow has at most 30 stages.")
    stages: list[Stage] = []
    seen: set[str] = set()
    kpi_reviews = 0
    for position, raw in enumerate(raw_stages, start=1):
        where = f"Stage {position}"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: expected an object.")
            continue
        key = str(raw.get("key", ""))
        if not KEY_PATTERN.match(key):
            problems.append(f"{where}: the key {key!r} must be lowercase letters, digits and _ (starting with a letter).")
        elif key in seen:
            problems.append(f"{where}: the key {key!r} is used by another stage.")
        seen.add(key)
        role = str(raw.get("responsible_role", ""))
        if role not in ROLES:
            problems.append(f"{where}: responsible_role {role!r} is not a role; use one of {', '.join(ROLES)}.")
        gate = raw.get("gate") or {}
        if not isinstance(gate, Mapping):
            problems.append(f"{where}: gate must be an object such as {{'approval': true}}.")
            gate = {}
        kpi_review = bool(raw.get("kpi_review", False))
        kpi_reviews += kpi_review
        stages.append(
            Stage(
                key=key,
                names=_names(raw.get("name"), where, problems),
                responsible_role=role,
                outputs=_items(raw.get("outputs"), f"{where} outputs", problems),
                checklist=_items(raw.get("checklist"), f"{where} checklist", problems),
                needs_approval=bool(gate.get("approval", False)),
                kpi_review=kpi_review,
                is_launch=bool(raw.get("launch", False)),
            )
        )
    if kpi_reviews > 1:
        problems.append("Only one stage can hold the 'KPI achieved?' review.")
    if stages and stages[-1].kpi_review:
        problems.append("The 'KPI achieved?' review needs a stage after it to pass to (e.g. Reporting).")
    if problems:
        raise DefinitionError(problems)
    return Workflow(stages=tuple(stages))


def workflow_to_data(workflow: Workflow) -> dict[str, Any]:
    """The JSON form of a workflow (the inverse of :func:`parse_workflow`)."""

    def items(values: Iterable[Item]) -> list[dict[str, Any]]:
        return [{"key": item.key, "name": dict(item.names)} for item in values]

    return {
        "stages": [
            {
                "key": stage.key,
                "name": dict(stage.names),
                "responsible_role": stage.responsible_role,
                "outputs": items(stage.outputs),
                "checklist": items(stage.checklist),
                "gate": {"approval": stage.needs_approval},
                "kpi_review": stage.kpi_review,
                "launch": stage.is_launch,
            }
            for stage in workflow.stages
        ]
    }


@dataclass(frozen=True)
class Missing:
    """One thing that keeps a campaign in its stage."""

    kind: str  # "output", "checklist", "approval", "kpi_review" or "launch_readiness"
    key: str
    name: str


@dataclass(frozen=True)
class GateState:
    outputs_present: frozenset[str] = frozenset()
    checklist_done: frozenset[str] = frozenset()
    is_approved: bool = False
    kpi_achieved: bool = False
    needs_launch_readiness: bool = False
    is_launch_ready: bool = False


def gate_missing(stage: Stage, state: GateState, *, language: str = "en") -> list[Missing]:
    """Everything still needed to leave ``stage``, in the order a person would fix it."""
    missing = [
        Missing("output", item.key, item.name(language)) for item in stage.outputs if item.key not in state.outputs_present
    ]
    missing += [
        Missing("checklist", item.key, item.name(language)) for item in stage.checklist if item.key not in state.checklist_done
    ]
    if stage.needs_approval and not state.is_approved:
        missing.append(Missing("approval", stage.key, stage.name(language)))
    if stage.kpi_review and not state.kpi_achieved:
        missing.append(Missing("kpi_review", stage.key, stage.name(language)))
    if state.needs_launch_readiness and not state.is_launch_ready:
        missing.append(Missing("launch_readiness", stage.key, stage.name(language)))
    return missing


def mermaid(workflow: Workflow, *, language: str = "id") -> str:
    """The workflow as a Mermaid ``graph TD`` (as seed 001 draws its flowcharts), from the live definition."""

    def label(text: str) -> str:
        return text.replace('"', "'")

    approval_label = {"id": "Disetujui manajemen?", "en": "Approved by management?"}[language if language in LANGUAGES else "en"]
    kpi_label = {"id": "KPI tercapai?", "en": "KPI achieved?"}[language if language in LANGUAGES else "en"]
    yes, no = ("Ya", "Tidak") if language == "id" else ("Yes", "No")
    problem = "Identifikasi masalah" if language == "id" else "Identify the problem"
    optimise = "Optimalkan strategi" if language == "id" else "Optimise the strategy"
    lines = ["graph TD"]
    for position, stage in enumerate(workflow.stages):
        node = f"S{position}"
        lines.append(f'    {node}["{label(stage.name(language))}"]')
    for position, stage in enumerate(workflow.stages[:-1]):
        node, following = f"S{position}", f"S{position + 1}"
        if stage.needs_approval:
            lines.append(f'    {node} --> G{position}{{"{approval_label}"}}')
            lines.append(f"    G{position} -- {yes} --> {following}")
            lines.append(f"    G{position} -- {no} --> {node}")
        elif stage.kpi_review:
            lines.append(f'    {node} --> K{position}{{"{kpi_label}"}}')
            lines.append(f"    K{position} -- {yes} --> {following}")
            lines.append(f'    K{position} -- {no} --> P{position}["{problem}"]')
            lines.append(f'    P{position} --> O{position}["{optimise}"]')
            lines.append(f"    O{position} --> {node}")
        else:
            lines.append(f"    {node} --> {following}")
    return "\n".join(lines) + "\n"


def _item(key: str, id_name: str, en_name: str) -> dict[str, Any]:
    return {"key": key, "name": {"id": id_name, "en": en_name}}


DEFAULT_DEFINITION: dict[str, Any] = {
    "stages": [
        {
            "key": "discovery",
            "name": {"id": "Riset (Discovery)", "en": "Discovery"},
            "responsible_role": "strategist",
            "outputs": [_item("buyer_persona", "Buyer persona", "Buyer persona")],
            "checklist": [
                _item("competitor_research", "Riset kompetitor selesai", "Competitor research done"),
                _item("audience_research", "Riset audiens selesai", "Audience research done"),
            ],
        },
        {
            "key": "planning",
            "name": {"id": "Perencanaan", "en": "Planning"},
            "responsible_role": "campaign_manager",
            "outputs": [_item("marketing_plan", "Rencana pemasaran (KPI & anggaran)", "Marketing plan (KPIs and budget)")],
            "checklist": [
                _item("kpis_set", "KPI ditautkan ke key result", "KPIs linked to key results"),
                _item("budget_planned", "Anggaran per kanal direncanakan", "Budget planned per channel"),
            ],
            "gate": {"approval": True},
        },
        {
            "key": "creation",
            "name": {"id": "Produksi konten", "en": "Creation"},
            "responsible_role": "content_creator",
            "outputs": [_item("content_calendar", "Kalender konten", "Content calendar")],
            "checklist": [_item("assets_approved", "Materi kreatif disetujui", "Creative assets approved")],
        },
        {
            "key": "distribution",
            "name": {"id": "Distribusi", "en": "Distribution"},
            "launch": True,
            "responsible_role": "social_media_specialist",
            "outputs": [_item("live_ads_report", "Laporan iklan aktif", "Live ads report")],
            "checklist": [_item("posts_scheduled", "Posting & iklan terjadwal", "Posts and ads scheduled")],
        },
        {
            "key": "optimization",
            "name": {"id": "Optimasi", "en": "Optimization"},
            "responsible_role": "performance_marketer",
            "outputs": [_item("strategy_revision", "Revisi strategi", "Strategy revision")],
            "checklist": [_item("ab_tests_reviewed", "Hasil A/B test ditinjau", "A/B test results reviewed")],
            "kpi_review": True,
        },
        {
            "key": "reporting",
            "name": {"id": "Pelaporan", "en": "Reporting"},
            "responsible_role": "data_analyst",
            "outputs": [_item("monthly_report", "Laporan bulanan (hasil & ROI)", "Monthly report (results and ROI)")],
            "checklist": [_item("learnings_recorded", "Pelajaran dicatat", "Learnings recorded")],
        },
    ]
}


def _item_lines(items: Iterable[Item]) -> str:
    return "\n".join(f"{item.names.get('id', '')} | {item.names.get('en', '')}" for item in items)


def _key_from(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:36] or "item"
    if not base[0].isalpha():
        base = f"x_{base}"[:36]
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    taken.add(key)
    return key


def _items_from_lines(text: str, previous: Iterable[Item] = ()) -> list[dict[str, Any]]:
    """Editor lines "Nama Indonesia | English name" (the English part may be left out) to items. An item
    whose Indonesian or English name matches one of ``previous`` keeps that item's key, so ticks and
    documents already recorded against it stay attached."""
    known = {name: item.key for item in previous for name in item.names.values() if name}
    items: list[dict[str, Any]] = []
    taken: set[str] = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        id_name, _, en_name = (part.strip() for part in line.partition("|"))
        en_name = en_name or id_name
        reused = known.get(en_name) or known.get(id_name)
        if reused and reused not in taken:
            taken.add(reused)
            key = reused
        else:
            key = _key_from(en_name, taken)
        items.append({"key": key, "name": {"id": id_name, "en": en_name}})
    return items


def editor_rows(workflow: Workflow) -> list[dict[str, Any]]:
    """A workflow as the rows of the editor form (one per stage)."""
    return [
        {
            "key": stage.key,
            "name_id": stage.names.get("id", ""),
            "name_en": stage.names.get("en", ""),
            "responsible_role": stage.responsible_role,
            "outputs": _item_lines(stage.outputs),
            "checklist": _item_lines(stage.checklist),
            "approval": stage.needs_approval,
            "kpi_review": stage.kpi_review,
            "launch": stage.is_launch,
        }
        for stage in workflow.stages
    ]


def definition_from_rows(rows: Iterable[Mapping[str, Any]], previous: Workflow | None = None) -> dict[str, Any]:
    """The editor's rows back to a definition (validate it with :func:`parse_workflow`). A new stage
    without a key gets one from its English name; items keep their keys from ``previous``."""
    rows = list(rows)
    old_stages = {stage.key: stage for stage in previous.stages} if previous else {}
    taken = {str(row.get("key", "")) for row in rows if row.get("key")}
    stages = []
    for row in rows:
        key = str(row.get("key") or "") or _key_from(str(row.get("name_en") or row.get("name_id") or "stage"), taken)
        stages.append(
            {
                "key": key,
                "name": {"id": str(row.get("name_id", "")).strip(), "en": str(row.get("name_en", "")).strip()},
                "responsible_role": str(row.get("responsible_role", "")),
                "outputs": _items_from_lines(str(row.get("outputs", "")), old_stages[key].outputs if key in old_stages else ()),
                "checklist": _items_from_lines(
                    str(row.get("checklist", "")), old_stages[key].checklist if key in old_stages else ()
                ),
                "gate": {"approval": bool(row.get("approval"))},
                "kpi_review": bool(row.get("kpi_review")),
                "launch": bool(row.get("launch")),
            }
        )
    return {"stages": stages}


def diagram_svg(workflow: Workflow, *, language: str = "id") -> str:
    """The workflow drawn as SVG (top to bottom, like seed 001's flowcharts): a box per stage, a diamond
    for each approval or "KPI achieved?" gate, the optimisation loop back into its stage."""
    from html import escape

    approval_label = "Disetujui manajemen?" if language == "id" else "Approved by management?"
    kpi_label = "KPI tercapai?" if language == "id" else "KPI achieved?"
    yes, no = ("Ya", "Tidak") if language == "id" else ("Yes", "No")
    loop_label = "Optimalkan strategi" if language == "id" else "Optimise the strategy"
    width, box_w, box_h, gap, diamond_h = 520, 260, 40, 26, 56
    centre = width // 2
    parts: list[str] = []
    y = 12

    def arrow(x1: float, y1: float, x2: float, y2: float) -> None:
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge" marker-end="url(#arrow)"/>')

    for index, stage in enumerate(workflow.stages):
        parts.append(f'<rect x="{centre - box_w / 2}" y="{y}" width="{box_w}" height="{box_h}" rx="8" class="stage"/>')
        parts.append(
            f'<text x="{centre}" y="{y + 25}" text-anchor="middle" class="stage-label">{escape(stage.name(language))}</text>'
        )
        stage_top, y = y, y + box_h
        if index == len(workflow.stages) - 1:
            break
        gate = approval_label if stage.needs_approval else kpi_label if stage.kpi_review else ""
        if gate:
            arrow(centre, y, centre, y + gap - 2)
            top = y + gap
            mid = top + diamond_h / 2
            points = f"{centre},{top} {centre + 110},{mid} {centre},{top + diamond_h} {centre - 110},{mid}"
            parts.append(f'<polygon points="{points}" class="gate"/>')
            parts.append(f'<text x="{centre}" y="{mid + 4}" text-anchor="middle" class="gate-label">{escape(gate)}</text>')
            # "No" goes back to the stage (through the optimisation for the KPI loop), on the right.
            back_x = centre + box_w / 2 + 40
            back_y = stage_top + box_h / 2
            path = f"{centre + 110},{mid} {back_x},{mid} {back_x},{back_y} {centre + box_w / 2 + 4},{back_y}"
            parts.append(f'<polyline points="{path}" class="edge loop" marker-end="url(#arrow)"/>')
            label = f"{no}: {loop_label}" if stage.kpi_review else no
            parts.append(
                f'<text x="{back_x + 4}" y="{(mid + stage_top + box_h / 2) / 2}" class="edge-label">{escape(label)}</text>'
            )
            y = top + diamond_h
            parts.append(f'<text x="{centre + 6}" y="{y + 16}" class="edge-label">{escape(yes)}</text>')
        arrow(centre, y, centre, y + gap - 2)
        y += gap
    height = y + 12
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>'
    )
    title = "Diagram alur kerja" if language == "id" else "Workflow diagram"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width + 160} {height}" role="img" class="alur-flow">'
        f"<title>{title}</title>" + defs + "".join(parts) + "</svg>"
    )
