"""Pages of strategy: the OKR board, an objective with its key results and check-ins, the alignment
tree, and the quarterly review. Views parse, call one service, and render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.accounts.forms import add_service_errors
from alur.accounts.models import User
from alur.accounts.selectors import members_visible, workspace_members
from alur.core.charts import Point, line_chart
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view
from alur.strategy import selectors, services
from alur.strategy.forms import BusinessGoalForm, CheckInForm, KeyResultForm, ObjectiveForm, PeriodForm, ReviewForm
from alur.strategy.models import BusinessGoal, Period


def _members(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.display_name) for m in members_visible(request.membership)]


def _member(request: WorkspaceRequest, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    membership = workspace_members(request.workspace).filter(user_id=user_id).first()
    return membership.user if membership is not None else None


def _chosen_period(request: WorkspaceRequest) -> Period | None:
    raw = request.GET.get("period", "")
    if raw.isdigit():
        period = selectors.periods(request.membership).filter(pk=int(raw)).first()
        if period is not None:
            return period
    return selectors.period_current(request.membership, timezone.localdate())


@workspace_view(Action.OBJECTIVE_VIEW)
def okr_board(request: WorkspaceRequest) -> HttpResponse:
    period = _chosen_period(request)
    today = timezone.localdate()
    cards = (
        [selectors.objective_scorecard(o, today=today) for o in selectors.objectives_visible(request.membership, period=period)]
        if period
        else []
    )
    return render(
        request,
        "strategy/okr_board.html",
        {
            "period": period,
            "periods": selectors.periods(request.membership),
            "cards": cards,
            "can_manage": can(request, Action.OBJECTIVE_MANAGE),
            "period_form": PeriodForm(),
            "goal_form": BusinessGoalForm(),
        },
    )


@require_POST
@workspace_view(Action.OBJECTIVE_MANAGE)
def period_create(request: WorkspaceRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_create(actor=request_user(request), workspace=request.workspace, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Period %(name)s created.") % {"name": period.name})
            return redirect(f"/w/{request.workspace.slug}/okr/?period={period.pk}")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("strategy:okr_board", slug=request.workspace.slug)


@require_POST
@workspace_view(Action.OBJECTIVE_MANAGE)
def business_goal_create(request: WorkspaceRequest) -> HttpResponse:
    form = BusinessGoalForm(request.POST)
    if form.is_valid():
        try:
            goal = services.business_goal_create(actor=request_user(request), workspace=request.workspace, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Business goal “%(title)s” added.") % {"title": goal.title})
            return redirect("strategy:alignment", slug=request.workspace.slug)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("strategy:alignment", slug=request.workspace.slug)


def _objective_form(request: WorkspaceRequest, data: object = None, initial: dict[str, object] | None = None) -> ObjectiveForm:
    return ObjectiveForm(
        data,
        initial=initial,
        periods=[(p.pk, p.name) for p in selectors.periods(request.membership)],
        members=_members(request),
        goals=[(g.pk, g.title) for g in selectors.business_goals(request.membership)],
    )


@workspace_view(Action.OBJECTIVE_MANAGE)
def objective_create(request: WorkspaceRequest) -> HttpResponse:
    current = selectors.period_current(request.membership, timezone.localdate())
    form = _objective_form(request, request.POST or None, {"period": current.pk if current else None, "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objective = services.objective_create(
                actor=request_user(request),
                workspace=request.workspace,
                title=data["title"],
                description=data["description"],
                period=selectors.periods(request.membership).get(pk=data["period"]),
                owner=_member(request, data["owner"]),  # type: ignore[arg-type]
                business_goal=BusinessGoal.objects.filter(workspace=request.workspace, pk=data["business_goal"]).first(),
                is_shared_with_clients=data["is_shared_with_clients"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objective created. Now add its key results."))
            return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=objective.pk)
    return render(
        request, "strategy/objective_form.html", {"form": form, "has_periods": selectors.periods(request.membership).exists()}
    )


@workspace_view(Action.OBJECTIVE_MANAGE)
def objective_edit(request: WorkspaceRequest, objective_id: int) -> HttpResponse:
    objective = selectors.objective_visible(request.membership, objective_id)
    initial = {
        "title": objective.title,
        "description": objective.description,
        "period": objective.period_id,
        "owner": objective.owner_id,
        "business_goal": objective.business_goal_id,
        "is_shared_with_clients": objective.is_shared_with_clients,
    }
    form = _objective_form(request, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objective_update(
                actor=request_user(request),
                objective=objective,
                title=data["title"],
                description=data["description"],
                period=selectors.periods(request.membership).get(pk=data["period"]),
                owner=_member(request, data["owner"]),
                business_goal=BusinessGoal.objects.filter(workspace=request.workspace, pk=data["business_goal"]).first(),
                is_shared_with_clients=data["is_shared_with_clients"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objective saved."))
            return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=objective.pk)
    return render(request, "strategy/objective_form.html", {"form": form, "has_periods": True, "objective": objective})


def _objective_context(
    request: WorkspaceRequest, objective_id: int, *, key_result_form: KeyResultForm | None = None
) -> dict[str, object]:
    objective = selectors.objective_visible(request.membership, objective_id)
    card = selectors.objective_scorecard(objective, today=timezone.localdate())
    charts = {}
    for kr_card in card.key_results:
        history = selectors.check_in_history(kr_card.key_result)
        if history:
            start = Point(objective.period.start.isoformat(), float(kr_card.key_result.start_value))
            points = [start, *(Point(check_in.created_at.date().isoformat(), float(check_in.value)) for check_in in history)]
            charts[kr_card.key_result.pk] = mark_safe(  # noqa: S308 - the chart escapes every value it prints
                line_chart(
                    points,
                    title=kr_card.key_result.title,
                    target=float(kr_card.key_result.target_value),
                    start=float(kr_card.key_result.start_value),
                    target_label=_("target"),
                )
            )
    if key_result_form is None:
        key_result_form = KeyResultForm(
            initial={"owner": objective.owner_id, "deadline": objective.period.end, "direction": "increase_to"}
        )
        key_result_form.set_members(_members(request))
    can_check_in = {kr.key_result.pk for kr in card.key_results if can(request, Action.KEY_RESULT_CHECK_IN, kr.key_result)}
    return {
        "objective": objective,
        "card": card,
        "charts": charts,
        "can_manage": can(request, Action.OBJECTIVE_MANAGE, objective),
        "can_check_in": can_check_in,
        "key_result_form": key_result_form,
        "check_in_form": CheckInForm(),
    }


@workspace_view(Action.OBJECTIVE_VIEW)
def objective_detail(request: WorkspaceRequest, objective_id: int) -> HttpResponse:
    return render(request, "strategy/objective_detail.html", _objective_context(request, objective_id))


def _key_result_fields(request: WorkspaceRequest, data: dict[str, Any]) -> dict[str, Any]:
    """A key result form's cleaned data as the services take it (the owner as a member)."""
    names = ("title", "metric", "unit", "direction", "start_value", "target_value", "target_change_percent", "deadline")
    return {**{name: data[name] for name in names}, "owner": _member(request, data["owner"]), "weight": data["weight"]}


@require_POST
@workspace_view(Action.OBJECTIVE_MANAGE)
def key_result_create(request: WorkspaceRequest, objective_id: int) -> HttpResponse:
    objective = selectors.objective_visible(request.membership, objective_id)
    form = KeyResultForm(request.POST)
    form.set_members(_members(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.key_result_create(actor=request_user(request), objective=objective, **_key_result_fields(request, data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Key result added."))
            return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=objective.pk)
    context = _objective_context(request, objective_id, key_result_form=form)
    context["open_key_result_form"] = True
    return render(request, "strategy/objective_detail.html", context, status=422)


def _plain(number: Decimal) -> str:
    """A stored number as typed: 15000 rather than 15000.0000 or 1.5E+4."""
    return format(number.normalize(), "f")


@workspace_view(Action.OBJECTIVE_MANAGE)
def key_result_edit(request: WorkspaceRequest, key_result_id: int) -> HttpResponse:
    key_result = selectors.key_result_visible(request.membership, key_result_id)
    initial = {
        "title": key_result.title,
        "metric": key_result.metric,
        "unit": key_result.unit,
        "direction": key_result.direction,
        "start_value": _plain(key_result.start_value),
        "target_value": _plain(key_result.target_value),
        "deadline": key_result.deadline,
        "owner": key_result.owner_id,
        "weight": _plain(key_result.weight),
    }
    form = KeyResultForm(request.POST or None, initial=initial)
    form.set_members(_members(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                fields = _key_result_fields(request, data)
                fields["target_value"] = fields["target_value"] or key_result.target_value
                services.key_result_update(actor=request_user(request), key_result=key_result, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Key result saved."))
                return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=key_result.objective_id)
        status = 422
    return render(request, "strategy/key_result_form.html", {"form": form, "key_result": key_result}, status=status)


@workspace_view(Action.OBJECTIVE_MANAGE)
def key_result_delete(request: WorkspaceRequest, key_result_id: int) -> HttpResponse:
    """GET asks to confirm (saying what goes with it, or why it cannot go); POST deletes."""
    key_result = selectors.key_result_visible(request.membership, key_result_id)
    if request.method == "POST":
        try:
            services.key_result_delete(actor=request_user(request), key_result=key_result)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("strategy:key_result_delete", slug=request.workspace.slug, key_result_id=key_result.pk)
        messages.success(request, _("Key result “%(title)s” deleted.") % {"title": key_result.title})
        return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=key_result.objective_id)
    return render(
        request,
        "strategy/key_result_delete.html",
        {
            "key_result": key_result,
            "check_ins": key_result.check_ins.count(),
            "campaigns": list(key_result.campaigns.order_by("name")),
            "has_data_link": hasattr(key_result, "metric_link"),
        },
    )


@require_POST
@workspace_view(Action.OBJECTIVE_VIEW)
def key_result_check_in(request: WorkspaceRequest, key_result_id: int) -> HttpResponse:
    key_result = selectors.key_result_visible(request.membership, key_result_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.key_result_check_in(actor=request_user(request), key_result=key_result, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        messages.error(
            request,
            _("The check-in was not saved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    else:
        messages.success(request, _("Check-in saved."))
    return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=key_result.objective_id)


@workspace_view(Action.OBJECTIVE_MANAGE)
def objective_review(request: WorkspaceRequest, objective_id: int) -> HttpResponse:
    objective = selectors.objective_visible(request.membership, objective_id)
    key_results = list(objective.key_results.all())
    form = ReviewForm(request.POST or None, key_results=key_results, initial={"reflection": objective.review_reflection})
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_review(
                actor=request_user(request),
                objective=objective,
                reflection=form.cleaned_data["reflection"],
                decisions=form.decisions(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Review saved."))
            return redirect("strategy:objective_detail", slug=request.workspace.slug, objective_id=objective.pk)
    card = selectors.objective_scorecard(objective, today=timezone.localdate())
    return render(request, "strategy/objective_review.html", {"objective": objective, "card": card, "form": form})


@workspace_view(Action.OBJECTIVE_VIEW)
def alignment(request: WorkspaceRequest) -> HttpResponse:
    period = _chosen_period(request)
    return render(
        request,
        "strategy/alignment.html",
        {
            "period": period,
            "periods": selectors.periods(request.membership),
            "branches": selectors.alignment_tree(request.membership, period=period, today=timezone.localdate()),
            "can_manage": can(request, Action.OBJECTIVE_MANAGE),
            "goal_form": BusinessGoalForm(),
        },
    )
