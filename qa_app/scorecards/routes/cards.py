"""Scorecard pages: list, new, archive/restore/discard, versions, YAML export,
diff. The draft editor is in ``editor``."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

import scorecards
from qa_app.access import roles_required
from qa_app.request_args import id_arg
from qa_app.scorecards import drafts, services
from qa_app.scorecards.forms import (
    LockedForm,
    NewScorecardForm,
)
from qa_app.scorecards.routes import EDITORS, READERS, bp, loading


@bp.route("/")
@roles_required(*READERS)
def index():
    return render_template("scorecards/index.html", rows=services.summaries())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    form = NewScorecardForm()
    form.start.choices = [SelectChoice(v, label) for v, label in services.starting_points()]
    problems: list[scorecards.Problem] = []
    if form.validate_on_submit():
        try:
            if form.file.data and form.file.data.filename:
                text = loading.upload_text(form.file.data)
                definition, problems = (
                    services.parse_upload(text)
                    if text is not None
                    else (None, [scorecards.Problem("", "the file is not UTF-8 text")])
                )
                if definition is not None:
                    definition["name"] = form.name.data
            else:
                definition = services.initial_definition(form.start.data, form.name.data)
        except ValueError as exc:
            form.start.errors.append(str(exc))
        else:
            if definition is not None:
                card = services.create(current_user, definition)
                flash("Scorecard created as a draft.", "success")
                return redirect(url_for("scorecards.edit", scorecard_id=card.id))
    status = 422 if form.errors or problems else 200
    return render_template("scorecards/new.html", form=form, problems=problems), status


@bp.route("/<int:scorecard_id>")
@roles_required(*READERS)
def detail(scorecard_id: int):
    card = loading.card(scorecard_id)
    return render_template(
        "scorecards/detail.html",
        card=card,
        versions=card.versions,
        action=LockedForm(lock_version=card.lock_version),
    )


@bp.route("/<int:scorecard_id>/<any(archive, restore, discard):action>", methods=["POST"])
@roles_required(*EDITORS)
def lifecycle(scorecard_id: int, action: str):
    card = loading.card(scorecard_id)
    if not LockedForm().validate_on_submit():
        abort(400)
    try:
        if action == "discard":
            services.discard_draft(current_user, card)
            flash("Draft changes discarded.", "info")
        else:
            services.set_archived(current_user, card, action == "archive")
            flash(
                "Scorecard archived: hidden from new reviews."
                if action == "archive"
                else "Scorecard restored.",
                "info",
            )
    except ValueError as exc:
        flash(str(exc), "warning")
    return redirect(url_for("scorecards.detail", scorecard_id=card.id))


@bp.route("/<int:scorecard_id>/versions/<int:number>")
@roles_required(*READERS)
def version(scorecard_id: int, number: int):
    card = loading.card(scorecard_id)
    found = services.version(card, number) or abort(404)
    return render_template("scorecards/version.html", card=card, version=found)


@bp.route("/<int:scorecard_id>/versions/<int:number>.yaml")
@roles_required(*READERS)
def export(scorecard_id: int, number: int):
    card = loading.card(scorecard_id)
    found = services.version(card, number) or abort(404)
    filename = f"{drafts.slug(card.name, set(), 'scorecard')}-v{number}.yaml"
    return Response(
        services.export_yaml(found.definition),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:scorecard_id>/diff")
@roles_required(*READERS)
def diff(scorecard_id: int):
    card = loading.card(scorecard_id)
    old_n = id_arg("old")  # version numbers: whole numbers in an id's range
    new_n = id_arg("new")
    old = services.version(card, old_n) if old_n else None
    new = services.version(card, new_n) if new_n else None
    if old is None or new is None:
        abort(404)
    return render_template(
        "scorecards/diff.html", card=card, old=old, new=new, changes=services.compare(old, new)
    )
