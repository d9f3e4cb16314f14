"""What the PI sees of the suggester: the machine beside the coders, the learning curve, and how
often coders accept suggestions (plain data for the suggestions and reliability pages)."""

from __future__ import annotations

from coding.models import ModelStatus, Project
from coding.suggestions.serving import decision_rates
from coding.suggestions.training import current_model


def _row(name: str, result: dict, machine: bool = False) -> dict:
    alpha = result.get("alpha", {})
    return {
        "name": name,
        "machine": machine,
        "coded": result.get("coded"),
        "reference": result.get("reference"),
        "precision": result.get("precision"),
        "recall": result.get("recall"),
        "f1": result.get("f1"),
        "alpha_activity": alpha.get("activity"),
        "alpha_area": alpha.get("area"),
        "alpha_dyad": alpha.get("dyad"),
    }


def machine_as_coder(project: Project) -> dict | None:
    """The current model and the human coders on the same held-out adjudicated sources."""
    model = current_model(project)
    if model is None:
        return None
    evaluation = model.evaluation or {}
    rows = []
    if "machine" in evaluation:
        trained_on = evaluation.get("trained_on", model.approvals)
        rows.append(_row(f"Suggester ({trained_on} approvals)", evaluation["machine"], True))
        rows += [_row(name, r) for name, r in evaluation.get("coders", {}).items()]
    return {
        "model": model,
        "rows": rows,
        "held_out_sources": evaluation.get("held_out_sources", 0),
        "note": evaluation.get("note", ""),
    }


def learning_curve(project: Project) -> list[dict]:
    """Quality by number of approved codings trained on, one point per finished training run
    with a held-out score."""
    runs = (
        project.suggestion_models.filter(status=ModelStatus.READY)
        .defer("blob")
        .order_by("finished_at", "pk")
    )
    points = []
    for run in runs:
        machine = (run.evaluation or {}).get("machine")
        if machine:
            point = _row(str(run.evaluation.get("trained_on", run.approvals)), machine, True)
            point["when"] = run.finished_at
            point["seconds"] = run.seconds
            points.append(point)
    return sorted(points, key=lambda p: (int(p["name"]), p["when"]))


def suggestions_summary(project: Project) -> dict:
    return {
        "machine": machine_as_coder(project),
        "curve": learning_curve(project),
        "rates": decision_rates(project),
        "on_reliability_sample": project.suggestions_on_reliability_sample,
        "enabled": project.suggestions_enabled,
    }
