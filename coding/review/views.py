"""Pages of PI review: the queue, the review page of one source, decisions, undo, events,
and the coders' feedback page. Only PIs review (coders get 403, non-members 404)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from coding import access
from coding.models import Activity, Actor, Coding, ReviewDecision
from coding.reliability.training import is_training, study_events, training_event_q
from coding.review import decisions
from coding.review.fields import EVENT_FIELDS
from coding.review.grouping import groups_for_source
from coding.review.page import (
    COLUMNS,
    FIELD_LABELS,
    bound_values,
    coder_colours,
    coder_marks,
    differing_names,
    edit_choices,
    edit_fields,
    error_dict,
    event_form_values,
    failed_group,
    field_label,
    form_errors,
    form_values,
    group_rows,
    project_coder_slots,
    segments,
)
from coding.review.queue import review_queue
from config.converters import parse_id
from config.methods import post_only

PREC_TO_PRECISION = {1: "day", 2: "day", 3: "day", 4: "month", 5: "year"}


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    agreed = {"1": True, "0": False}.get(request.GET.get("agreed", ""))
    return render(
        request,
        "coding/review/queue.html",
        {
            "project": project,
            "me": me,
            "items": review_queue(project, agreed=agreed),
            "agreed": agreed,
        },
    )


@login_required
def review_source(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    source = get_object_or_404(project.sources, pk=pk)
    if is_training(source.pk):  # out of the review: every decision on it would be refused
        references = project.events.filter(evidence__coding__source=source).distinct()
        return render(
            request,
            "coding/review/training_source.html",
            {"project": project, "me": me, "source": source, "references": references},
        )
    return _review_page(request, project, me, source)


def _review_page(request, project, me, source, *, failed=None, status=200) -> HttpResponse:
    """The review page; `failed`: (the POST, its ValidationError) of a decision that was
    refused, whose group's form comes back as the PI filled it in, with the errors beside the
    fields (and its "more actions" open when the error is in them)."""
    groups = groups_for_source(source)
    coders = {c.coder_id: c.coder.get_username() for g in groups for c in g.codings}
    colours = coder_colours(groups, project_coder_slots(project), coder_marks(project, coders))
    choices = edit_choices(project)
    target = failed_group(groups, failed[0]) if failed else None
    items = []
    for i, g in enumerate(groups, start=1):
        if i == target:
            values = bound_values(g, failed[0])
            errors, other = form_errors(error_dict(failed[1]))
        else:
            values, errors, other = form_values(g), {}, []
        items.append(
            {
                "number": i,
                "prefix": f"g{i}",  # of its fields' error ids
                "group": g,
                "differing": differing_names(g),
                "rows": group_rows(g, colours, values),
                "form": values,
                "fields": edit_fields(values, errors, choices),
                "own_errors": errors.get("own", []),
                "errors": other,
                "open": i == target
                and (bool(errors) or failed[0].get("action") in ("edit", "own", "attach")),
            }
        )
    return render(
        request,
        "coding/review/source.html",
        {
            "project": project,
            "me": me,
            "source": source,
            "segments": segments(source.text, groups, colours),
            "coder_colours": sorted(colours.values(), key=lambda c: c.username),
            "groups": items,
            "field_labels": FIELD_LABELS,
            "events": study_events(project)  # a reference takes no more evidence
            .select_related("activity")
            .order_by("-approved_at")[:200],
            "any_agreed_open": any(g.fully_agreed and not g.decisions for g in groups),
        },
        status=status,
    )


def _changes(post) -> dict:
    """The edit fields a PI filled in (prefixed f_), as parse_fields expects them."""
    return {name: post[f"f_{name}"] for name in EVENT_FIELDS if f"f_{name}" in post}


def _own_data(project, source, post) -> dict:
    """The PI's own coding in the workspace's create_coding format (ids, not codes)."""
    codebook = project.codebook
    try:
        start, end = int(post.get("own_start", "")), int(post.get("own_end", ""))
    except ValueError as e:
        raise ValidationError({"own_start": "Give the span as two numbers."}) from e

    def actor_id(iso3):
        iso3 = (iso3 or "").strip().upper()
        if not iso3:
            return None
        actor = codebook.actors.filter(iso3=iso3).first()
        if actor is None:
            raise ValidationError({"side_a": f"'{iso3}' is not an actor of this codebook."})
        return actor.pk

    activity = Activity.objects.filter(
        area__codebook=codebook, slug=post.get("f_activity", "")
    ).first()
    if activity is None:
        raise ValidationError({"activity": "Choose an activity."})
    participants = [p for p in post.get("f_participants", "").replace(",", ";").split(";")]
    prec = post.get("f_date_prec") or ""
    try:
        event_date = (
            datetime.date.fromisoformat(post["f_event_date"]) if post.get("f_event_date") else None
        )
        confidence = int(post.get("f_confidence") or 0)
        precision = PREC_TO_PRECISION.get(int(prec), "day") if prec else "unknown"
    except ValueError as e:
        raise ValidationError(
            {"event_date": "Give the date as yyyy-mm-dd and numbers for confidence and precision."}
        ) from e
    return {
        "start": start,
        "end": end,
        "quote": source.text[start:end],
        "dyad_type": post.get("f_dyad_type"),
        "side_a": actor_id(post.get("f_side_a")),
        "side_b": actor_id(post.get("f_side_b")),
        "participants": [a for a in (actor_id(p) for p in participants) if a],
        "setting": "",  # follows from the dyad
        "forum": post.get("f_forum", ""),
        "area": activity.area_id,
        "activity": activity.pk,
        "confidence": confidence,
        "event_date": event_date,
        "date_precision": precision,
        "note": post.get("f_note", ""),
    }


@login_required
@post_only
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    source = get_object_or_404(project.sources, pk=pk)
    back = _at_group(reverse("review-source", args=[project.slug, source.pk]), request.POST)
    ids = [parse_id(x) for x in request.POST.getlist("codings")]  # None: not an id
    codings = list(
        Coding.objects.filter(
            source=source, pk__in=[i for i in ids if i is not None]
        ).select_related("source")
    )
    by_pk = {c.pk: c for c in codings}
    action, _, arg = request.POST.get("action", "").partition(":")
    comment = request.POST.get("comment", "")
    user = request.user
    try:
        if None in ids or len(codings) != len(set(ids)):
            raise ValidationError("Some of these codings are not on this source.")
        if action == "accept":
            chosen = by_pk.get(parse_id(arg))
            if chosen is None:
                raise ValidationError("Choose the coding to accept.")
            done = decisions.accept(user, project, codings, chosen, comment)
        elif action == "edit":
            chosen = by_pk.get(parse_id(request.POST.get("base"))) or (codings or [None])[0]
            if chosen is None:
                raise ValidationError("Choose at least one coding.")
            done = decisions.edit_and_accept(
                user, project, codings, chosen, _changes(request.POST), comment
            )
        elif action == "merge":
            span_from = by_pk.get(parse_id(request.POST.get("span_from")))
            if span_from is None:
                raise ValidationError("Choose whose span represents the event.")
            field_from = {}
            for column, (_, fields) in COLUMNS.items():
                choice = parse_id(request.POST.get(f"merge_{column}"))
                if choice in by_pk:
                    for name in fields:
                        if name != "date_precision":  # the date carries its precision
                            field_from[name] = by_pk[choice]
            done = decisions.merge(user, project, codings, span_from, field_from, None, comment)
        elif action == "reject":
            done = decisions.reject(user, project, codings, comment)
        elif action == "attach":
            event = project.events.filter(event_id=request.POST.get("event", "")).first()
            if event is None:
                raise ValidationError("Choose an existing event to attach to.")
            done = decisions.attach(user, project, codings, event, comment)
        elif action == "own":
            data = _own_data(project, source, request.POST)
            done = decisions.add_own(user, project, source, data, codings, comment)
        else:
            raise ValidationError("Unknown action.")
    except ValidationError as e:
        # The page again, as a 400, with this group's form as the PI filled it in and the
        # errors beside its fields: nothing they typed is lost (review.js swaps the group in).
        messages.error(request, "Nothing was saved. " + " ".join(_messages(e)))
        return _review_page(request, project, _me, source, failed=(request.POST, e), status=400)
    event_note = f" → event {done.event.event_id}" if done.event else ""
    messages.success(request, f"{done.get_kind_display()}{event_note}.")
    return redirect(back)


def _at_group(url: str, post) -> str:
    """The review page at the group the PI acted on (`group`, its number on the page), so that
    without JavaScript the browser comes back to it rather than to the top of the page."""
    number = parse_id(post.get("group"))
    return f"{url}#group-{number}" if number is not None else url


def _messages(error: ValidationError) -> list[str]:
    """The errors, each named by the field's label as the page shows it ("Actor B: …")."""
    if hasattr(error, "error_dict"):
        general = ("__all__", "non_field_errors")
        return [
            " ".join(v) if k in general else f"{field_label(k)}: {' '.join(v)}"
            for k, v in error.message_dict.items()
        ]
    return error.messages


@login_required
@post_only
def bulk_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    source = get_object_or_404(project.sources, pk=pk)
    made = decisions.bulk_accept(request.user, project, source)
    messages.success(request, f"Approved {len(made)} fully agreeing group{pluralize(made)}.")
    return redirect("review-source", project.slug, source.pk)


@login_required
@post_only
def undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    decision = get_object_or_404(project.review_decisions, pk=pk)
    try:
        decisions.undo(request.user, decision)
        messages.success(request, f"Undone: {decision.get_kind_display()}.")
    except ValidationError as e:
        messages.error(request, "; ".join(_messages(e)))
    if request.POST.get("back") == "event":  # from the event's page: back to it, if it is left
        event = project.events.filter(event_id=decision.event_ref).first()
        if event is not None:
            return redirect("event-detail", project.slug, event.event_id)
        return redirect("event-list", project.slug)
    if decision.source_id:
        return redirect(
            _at_group(
                reverse("review-source", args=[project.slug, decision.source_id]), request.POST
            )
        )
    return redirect("event-list", project.slug)


@login_required
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The study's events, and apart from them the references of calibration's training
    sources, which count in no figure of the study (`coding.reliability.training`)."""
    project, me = access.project_for(request.user, slug, pi=True)
    events = (
        project.events.select_related("side_a", "side_b", "area", "activity", "approved_by")
        .prefetch_related(
            Prefetch("participants", queryset=Actor.objects.order_by("iso3")), "evidence"
        )
        .order_by("-event_date", "event_id")
    )
    references = events.filter(training_event_q()).distinct()
    return render(
        request,
        "coding/review/event_list.html",
        {
            "project": project,
            "me": me,
            "events": events.exclude(training_event_q()),
            "references": references,
        },
    )


@login_required
def event_detail(request: HttpRequest, slug: str, event_id: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    event = get_object_or_404(project.events, event_id=event_id)
    return _event_page(request, project, me, event)


def _event_page(request, project, me, event, *, failed=None, status=200) -> HttpResponse:
    """An event's page; `failed`: (the POST, its ValidationError) of an edit that was refused,
    whose form comes back open as the PI filled it in, with the errors under the fields (built
    by the review page's helpers, so fields, labels and errors read the same on both pages)."""
    event = (
        project.events.select_related("side_a", "side_b", "area", "activity", "approved_by")
        .prefetch_related(Prefetch("participants", queryset=Actor.objects.order_by("iso3")))
        .get(pk=event.pk)
    )
    evidence = list(
        event.evidence.select_related("coding__source", "coding__coder").order_by(
            "coding__source_id", "-primary", "coding_id"
        )
    )
    marks = coder_marks(
        project, {e.coding.coder_id: e.coding.coder.get_username() for e in evidence}
    )
    for item in evidence:  # "dan (former member)", as on the review page
        item.coder_mark = marks[item.coding.coder_id]
    history = event.decisions.select_related("decided_by", "undone_by").order_by("decided_at")
    values = event_form_values(event)
    errors, other = {}, []
    if failed:
        post, error = failed
        values.update({name: post[name] for name in values if name in post})
        by_name = dict(error_dict(error))
        end_errors = by_name.pop("event_date_end", [])  # a field the review form does not have
        errors, other = form_errors(by_name)
        if end_errors:
            errors["f_event_date_end"] = end_errors
    fields = []
    for field in edit_fields(values, errors, edit_choices(project)):
        if field["name"] == "f_setting":
            continue  # the event page never edited the setting: it follows from the dyad
        fields.append(field)
        if field["name"] == "f_event_date":
            fields.append(
                {
                    **field,
                    "name": "f_event_date_end",
                    "label": field_label("event_date_end"),
                    "value": values["f_event_date_end"],
                    "errors": errors.get("f_event_date_end", []),
                }
            )
    return render(
        request,
        "coding/review/event_detail.html",
        {
            "project": project,
            "me": me,
            "event": event,
            "participants": event.participants.all(),
            "fields": fields,
            "comment": values["comment"],
            "errors": other,
            "open": failed is not None,
            "evidence": evidence,
            "history": history,
            "reference": decisions.is_reference(event.pk),
        },
        status=status,
    )


@login_required
@post_only
def event_edit(request: HttpRequest, slug: str, event_id: str) -> HttpResponse:
    """Change an approved event's fields (its event_id stays); recorded and undoable. Refused,
    the page comes back (400) with the form as the PI filled it in; nothing is saved."""
    project, me = access.project_for(request.user, slug, pi=True)
    event = get_object_or_404(project.events, event_id=event_id)
    try:
        decisions.edit_event(
            request.user, event, _changes(request.POST), request.POST.get("comment", "")
        )
    except ValidationError as e:
        messages.error(request, "Nothing was saved. " + " ".join(_messages(e)))
        return _event_page(request, project, me, event, failed=(request.POST, e), status=400)
    messages.success(request, f"{event.event_id} changed.")
    return redirect("event-detail", project.slug, event.event_id)


@login_required
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """A coder's own codings with the PI's decisions on them; nothing about other coders."""
    project, me = access.project_for(request.user, slug)
    codings = (
        Coding.objects.filter(source__project=project, coder=request.user)
        .select_related("source", "activity")
        .order_by("source__title", "start")
    )
    active = {}
    for decision in (
        ReviewDecision.objects.filter(codings__in=codings, undone_at__isnull=True)
        .prefetch_related("codings")
        .select_related("event", "chosen")
    ):
        for coding in decision.codings.all():
            if coding.coder_id == request.user.pk:
                active[coding.pk] = decision
    rows = [{"coding": c, "decision": active.get(c.pk)} for c in codings]
    return render(
        request,
        "coding/review/feedback.html",
        {
            "project": project,
            "me": me,
            "rows": rows,
            "decided": sum(1 for r in rows if r["decision"]),
        },
    )
