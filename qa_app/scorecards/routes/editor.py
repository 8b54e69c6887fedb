"""The draft editor: card settings, sections and questions, import, publish."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

import scorecards
from qa_app.access import roles_required
from qa_app.models import Scorecard
from qa_app.scorecards import drafts, services
from qa_app.scorecards.forms import (
    AddSectionForm,
    CardForm,
    ImportForm,
    LockedForm,
    QuestionForm,
    SectionForm,
)
from qa_app.scorecards.routes import EDITORS, bp, loading

STALE = (
    "Someone else changed this draft since you opened it. Your edit was not applied; "
    "the page now shows their version."
)


def _editor(card: Scorecard, status: int = 200, **forms: Any):
    draft = services.editable_draft(card)
    problems = scorecards.validate(draft)
    forms.setdefault(
        "card_form",
        CardForm(
            lock_version=card.lock_version,
            name=draft.get("name"),
            channel=draft.get("channel"),
            description=draft.get("description", ""),
            weighted=drafts.is_weighted(draft),
        ),
    )
    forms.setdefault("section_form", AddSectionForm(lock_version=card.lock_version))
    forms.setdefault("import_form", ImportForm(lock_version=card.lock_version))
    forms.setdefault("import_problems", [])
    return render_template(
        "scorecards/edit.html",
        card=card,
        draft=draft,
        problems=problems,
        by_place=drafts.problems_by_place(problems, draft),
        action=LockedForm(lock_version=card.lock_version),
        **forms,
    ), status


@bp.route("/<int:scorecard_id>/edit")
@roles_required(*EDITORS)
def edit(scorecard_id: int):
    card = loading.card(scorecard_id)
    if card.status == "archived":
        flash("This scorecard is archived. Restore it to edit.", "warning")
        return redirect(url_for("scorecards.detail", scorecard_id=card.id))
    return _editor(card)


def _save(card: Scorecard, definition: dict[str, Any], lock: str | None) -> bool:
    try:
        services.save_draft(current_user, card, definition, lock)
    except services.StaleDraftError:
        flash(STALE, "danger")
        return False
    except ValueError as exc:
        flash(str(exc), "danger")
        return False
    return True


@bp.route("/<int:scorecard_id>/card", methods=["POST"])
@roles_required(*EDITORS)
def update_card(scorecard_id: int):
    card = loading.card(scorecard_id)
    form = CardForm()
    if not form.validate_on_submit():
        return _editor(card, 422, card_form=form)
    draft = drafts.set_card(
        services.editable_draft(card),
        name=form.name.data,
        channel=form.channel.data,
        description=form.description.data,
        weighted=form.weighted.data,
    )
    if _save(card, draft, form.lock_version.data):
        flash("Scorecard settings saved.", "success")
    return redirect(url_for("scorecards.edit", scorecard_id=card.id))


@bp.route("/<int:scorecard_id>/sections", methods=["POST"])
@roles_required(*EDITORS)
def add_section(scorecard_id: int):
    card = loading.card(scorecard_id)
    form = AddSectionForm()
    if not form.validate_on_submit():
        return _editor(card, 422, section_form=form)
    draft, key = drafts.add_section(services.editable_draft(card), form.title.data.strip())
    if _save(card, draft, form.lock_version.data):
        return redirect(url_for("scorecards.edit", scorecard_id=card.id, _anchor=f"s-{key}"))
    return redirect(url_for("scorecards.edit", scorecard_id=card.id))


def _draft_or_404(card: Scorecard, change, *args: Any) -> dict[str, Any]:
    try:
        return change(services.editable_draft(card), *args)
    except drafts.DraftError as exc:
        if "no section" in str(exc) or "no question" in str(exc):
            abort(404)
        flash(str(exc).capitalize() + ".", "warning")
        return services.editable_draft(card)


@bp.route("/<int:scorecard_id>/sections/<key>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_section(scorecard_id: int, key: str):
    card = loading.card(scorecard_id)
    draft = services.editable_draft(card)
    _, section = _draft_or_404(card, drafts.find_section, key)
    form = SectionForm()
    if request.method == "GET":
        form = SectionForm(
            lock_version=card.lock_version,
            key=section["key"],
            title=section["title"],
            weight=section.get("weight"),
        )
    elif form.validate_on_submit():
        new_key = form.key.data.strip()
        if new_key != key and new_key in drafts.section_keys(draft):
            form.key.errors.append("Another section already uses this key.")
        else:
            weight = float(form.weight.data) if form.weight.data is not None else None
            if drafts.is_weighted(draft) and weight is None:
                form.weight.errors.append("This scorecard weights its sections: give a weight.")
            else:
                updated = drafts.update_section(
                    draft, key, new_key=new_key, title=form.title.data.strip(), weight=weight
                )
                if _save(card, updated, form.lock_version.data):
                    flash("Section saved.", "success")
                return redirect(url_for("scorecards.edit", scorecard_id=card.id))
    return render_template(
        "scorecards/section.html", card=card, form=form, weighted=drafts.is_weighted(draft)
    ), 422 if form.errors else 200


@bp.route("/<int:scorecard_id>/sections/<key>/<any(up, down, delete):action>", methods=["POST"])
@roles_required(*EDITORS)
def section_action(scorecard_id: int, key: str, action: str):
    card = loading.card(scorecard_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "delete":
        draft = _draft_or_404(card, drafts.remove_section, key)
    else:
        draft = _draft_or_404(card, drafts.move_section, key, -1 if action == "up" else 1)
    _save(card, draft, form.lock_version.data)
    return redirect(url_for("scorecards.edit", scorecard_id=card.id))


def _question_form(draft: dict[str, Any], **kwargs: Any) -> QuestionForm:
    form = QuestionForm(**kwargs)
    form.section.choices = [
        SelectChoice(s.get("key"), s.get("title") or s.get("key"))
        for s in draft.get("sections", [])
    ]
    return form


@bp.route(
    "/<int:scorecard_id>/questions/new",
    methods=["GET", "POST"],
    defaults={"key": None},
    endpoint="new_question",
)
@bp.route("/<int:scorecard_id>/questions/<key>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def question(scorecard_id: int, key: str | None):
    card = loading.card(scorecard_id)
    draft = services.editable_draft(card)
    form = _question_form(draft)
    if request.method == "GET":
        form = _question_form(draft, lock_version=card.lock_version)
        if key is not None:
            s_index, _, existing = _draft_or_404(card, drafts.find_question, key)
            form.fill_from(existing, draft["sections"][s_index]["key"])
        else:
            form.section.data = request.args.get("section") or (
                draft["sections"][0]["key"] if draft.get("sections") else None
            )
    elif form.validate_on_submit():
        if key is not None:
            _draft_or_404(card, drafts.find_question, key)
        candidate, parse_errors = form.to_question()
        for field, message in parse_errors:
            getattr(form, field).errors.append(message)
        if candidate["key"] != key and candidate["key"] in drafts.question_keys(draft):
            form.key.errors.append("Another question already uses this key.")
        if not form.errors:
            updated = drafts.put_question(draft, form.section.data, key, candidate)
            s_index, q_index, _ = drafts.find_question(updated, candidate["key"])
            prefix = f"sections[{s_index}].questions[{q_index}]."
            for problem in scorecards.validate(updated):
                if problem.path.startswith(prefix):
                    field = form.field_for(problem.path[len(prefix) :])
                    (field.errors if field is not None else form.form_errors).append(
                        problem.message
                    )
            if not form.errors and not form.form_errors:
                if _save(card, updated, form.lock_version.data):
                    flash(f"Question {candidate['key']} saved.", "success")
                return redirect(
                    url_for(
                        "scorecards.edit", scorecard_id=card.id, _anchor=f"q-{candidate['key']}"
                    )
                )
    return render_template("scorecards/question.html", card=card, form=form, key=key), (
        422 if form.errors or form.form_errors else 200
    )


@bp.route("/<int:scorecard_id>/questions/preview", methods=["POST"])
@roles_required(*EDITORS)
def preview_question(scorecard_id: int):
    """Live preview while a question is being edited (htmx swaps this in)."""
    card = loading.card(scorecard_id)
    form = _question_form(services.editable_draft(card))
    form.validate()
    candidate, _ = form.to_question()
    return render_template("scorecards/_question_preview.html", question=candidate)


@bp.route("/<int:scorecard_id>/questions/<key>/<any(up, down, delete):action>", methods=["POST"])
@roles_required(*EDITORS)
def question_action(scorecard_id: int, key: str, action: str):
    card = loading.card(scorecard_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "delete":
        draft = _draft_or_404(card, drafts.remove_question, key)
    else:
        draft = _draft_or_404(card, drafts.move_question, key, -1 if action == "up" else 1)
    _save(card, draft, form.lock_version.data)
    return redirect(url_for("scorecards.edit", scorecard_id=card.id))


@bp.route("/<int:scorecard_id>/import", methods=["POST"])
@roles_required(*EDITORS)
def import_draft(scorecard_id: int):
    card = loading.card(scorecard_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _editor(card, 422, import_form=form)
    text = loading.upload_text(form.file.data)
    if text is None:
        problems = [scorecards.Problem("", "the file is not UTF-8 text")]
    else:
        definition, problems = services.parse_upload(text)
    if problems:
        return _editor(card, 422, import_form=form, import_problems=problems)
    if _save(card, definition, form.lock_version.data):
        flash("Draft replaced by the imported file.", "success")
    return redirect(url_for("scorecards.edit", scorecard_id=card.id))


@bp.route("/<int:scorecard_id>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish(scorecard_id: int):
    """A version cannot be changed or withdrawn once published, so the first
    POST shows what publishing would do; only the confirmation publishes."""
    card = loading.card(scorecard_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if request.form.get("confirmed") != "yes":
            preview = services.publish_preview(card, form.lock_version.data)
            return render_template(
                "scorecards/publish_confirm.html", card=card, preview=preview, form=form
            )
        new = services.publish(current_user, card, form.lock_version.data)
    except services.PublishError as exc:
        flash(f"Not published: fix the {len(exc.problems)} problem(s) listed first.", "danger")
        return _editor(card, 422)
    except services.StaleDraftError:
        flash(STALE, "danger")
        return redirect(url_for("scorecards.edit", scorecard_id=card.id))
    except ValueError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("scorecards.detail", scorecard_id=card.id))
    flash(f"Published version {new.number}.", "success")
    return redirect(url_for("scorecards.detail", scorecard_id=card.id))
