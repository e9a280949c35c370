"""``certbench forms list|check`` and ``certbench grade``: checklists and grading, no database."""

from __future__ import annotations

import argparse
from pathlib import Path

from certbench.checklists import find_form, list_forms, load_form
from certbench.cli.common import Subparsers, add_common, emit
from certbench.domain import Form, GradeResult, Reason, ReasonCode, Scope
from certbench.errors import FormError, GradingError
from certbench.grading import grade, ratings_hash, read_ratings_document, read_scope_file

__all__ = ["describe_reason", "form_summary", "register"]

FOREIGN_MARKET = "ZZ"
"""ISO 3166 user-assigned code ``--cross-border`` adds as a target market (any foreign market)."""


def register(subparsers: Subparsers) -> None:
    """Add ``forms list``, ``forms check`` and ``grade``."""
    forms = subparsers.add_parser("forms", help="list and validate certification checklists")
    sub = forms.add_subparsers(dest="forms_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="the bundled checklists")
    add_common(listing, db=False)
    listing.set_defaults(handler=_list)
    check = sub.add_parser("check", help="validate a checklist file: hash and counts")
    check.add_argument("file", type=Path, metavar="FILE")
    add_common(check, db=False)
    check.set_defaults(handler=_check)

    grading = subparsers.add_parser("grade", help="grade a ratings file against a checklist")
    grading.add_argument("--form", required=True, metavar="ID@VERSION|FILE")
    grading.add_argument("--ratings", required=True, type=Path, metavar="FILE",
                         help="CSV (criterion,value,justification) or JSON")
    grading.add_argument("--scope-json", type=Path, metavar="FILE",
                         help="the audit scope as JSON (else the ratings file's scope, if any)")
    grading.add_argument("--cross-border", action="store_true",
                         help=f"the merchant sells abroad (adds target market "
                              f"{FOREIGN_MARKET})")
    grading.add_argument("--categories", metavar="A,B",
                         help="product categories of the scope (replace the scope's own)")
    add_common(grading, db=False)
    grading.set_defaults(handler=_grade)


# -- forms list / check -----------------------------------------------------------------


def form_summary(form: Form) -> dict[str, object]:
    """Id, version, title, hash and counts of ``form``, as ``forms check --json`` prints them."""
    conditional = sum(1 for c in form.criteria if c.critical_when is not None)
    return {
        "id": form.id,
        "version": form.version,
        "ref": form.ref,
        "title": {"en": form.title.en, "zh": form.title.zh},
        "published": form.published,
        "hash": form.hash,
        "criteria": len(form.criteria),
        "domains": len(form.domains),
        "critical": sum(1 for c in form.criteria if c.critical) + conditional,
        "critical_conditional": conditional,
        "parameters": len(form.parameters),
    }


def _summary_text(summary: dict[str, object]) -> str:
    title = summary["title"]
    assert isinstance(title, dict)
    return "\n".join([
        f"{summary['ref']}  {title['en']} / {title['zh']}",
        f"  published {summary['published']}",
        f"  hash {summary['hash']}",
        f"  {summary['criteria']} criteria, {summary['domains']} domains, "
        f"{summary['critical']} critical ({summary['critical_conditional']} conditional), "
        f"{summary['parameters']} parameters",
    ])


def _list(args: argparse.Namespace) -> int:
    summaries = [form_summary(f) for f in list_forms()]
    emit(args, summaries,
         lambda: "\n".join(_summary_text(s) for s in summaries) or "no forms installed")
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        form = load_form(args.file)
    except FormError as exc:
        problems = exc.context.get("problems", ())
        assert isinstance(problems, tuple)
        if len(problems) > 1:
            more = "\n".join(f"  {exc.file}: {path}: {problem}" for path, problem in problems)
            raise FormError(f"{len(problems)} problems:\n{more}", problems=problems) from exc
        raise
    summary = form_summary(form)
    emit(args, summary, lambda: "OK " + _summary_text(summary))
    return 0


# -- grade ------------------------------------------------------------------------------


def _grade(args: argparse.Namespace) -> int:
    form = find_form(args.form)
    ratings, scope = read_ratings_document(args.ratings)
    if args.scope_json is not None:
        scope = read_scope_file(args.scope_json)
    scope = _adjust_scope(form, scope or Scope(), args)
    result = grade(form, ratings, scope)
    data = _result_json(form, result, scope, ratings_hash(ratings))
    emit(args, data, lambda: _result_text(form, result))
    return 0


def _adjust_scope(form: Form, scope: Scope, args: argparse.Namespace) -> Scope:
    from dataclasses import replace

    if args.categories is not None:
        categories = frozenset(c.strip() for c in args.categories.split(",") if c.strip())
        scope = replace(scope, categories=categories)
    unknown = sorted(scope.categories - form.categories)
    if unknown:
        raise GradingError(f"unknown product category {unknown[0]!r}; {form.ref} knows: "
                           f"{', '.join(sorted(form.categories))}", category=unknown[0])
    if args.cross_border and not scope.cross_border:
        foreign = FOREIGN_MARKET if scope.home_market != FOREIGN_MARKET else "XZ"
        scope = replace(scope, target_markets=scope.target_markets | {foreign})
    return scope


def _result_json(form: Form, result: GradeResult, scope: Scope,
                 ratings_digest: str) -> dict[str, object]:
    titles = {d.id: d.title for d in form.domains}
    floors = {d.id: d.floor for d in form.domains}
    return {
        "form": form.ref,
        "form_hash": result.form_hash,
        "ratings_hash": ratings_digest,
        "scope": scope.to_json(),
        "cross_border": scope.cross_border,
        "score": result.score,
        "grade": result.grade,
        "certifiable": result.certifiable,
        "complete": result.complete,
        "domains": [
            {"id": d.domain_id, "title": titles[d.domain_id].en, "score": d.score,
             "floor": floors[d.domain_id], "earned": d.earned, "possible": d.possible,
             "rated": d.rated, "applicable": d.applicable}
            for d in result.domains
        ],
        "reasons": [
            {"code": r.code.value, "criterion": r.criterion_id, "domain": r.domain_id,
             "detail": r.detail, "text": describe_reason(r, form, result)}
            for r in result.reasons
        ],
    }


def _result_text(form: Form, result: GradeResult) -> str:
    titles = {d.id: d.title.en for d in form.domains}
    floors = {d.id: d.floor for d in form.domains}
    width = max((len(t) for t in titles.values()), default=5)
    lines = [f"{form.ref}  {form.title.en}", "",
             f"{'domain':<6} {'title':<{width}} {'score':>7} {'floor':>6}  rated/applicable"]
    for d in result.domains:
        score = "-" if d.score is None else str(d.score)
        lines.append(f"{d.domain_id:<6} {titles[d.domain_id]:<{width}} {score:>7} "
                     f"{floors[d.domain_id]!s:>6}  {d.rated}/{d.applicable}")
    lines += [
        "",
        f"overall score: {'-' if result.score is None else result.score}",
        f"grade: {result.grade or 'none'}",
        f"complete: {'yes' if result.complete else 'no'}",
        f"certifiable: {'yes' if result.certifiable else 'no'}",
    ]
    if result.reasons:
        lines += ["", "reasons:"]
        lines += [f"  - {describe_reason(r, form, result)}" for r in result.reasons]
    return "\n".join(lines)


def describe_reason(reason: Reason, form: Form, result: GradeResult | None = None) -> str:
    """One plain-English sentence for ``reason`` (with scores when ``result`` is given)."""
    c, d, detail = reason.criterion_id, reason.domain_id, reason.detail
    below = ""
    if reason.code is ReasonCode.DOMAIN_BELOW_FLOOR and result is not None and d is not None:
        floor = next(x.floor for x in form.domains if x.id == d)
        below = f" ({result.domain(d).score} < {floor})"
    texts = {
        ReasonCode.UNRATED: f"{c} is not rated yet.",
        ReasonCode.UNKNOWN_CRITERION: f"{c} is not a criterion of {form.ref}; its rating "
                                      f"({detail}) was ignored.",
        ReasonCode.UNKNOWN_RATING: f"{c} is rated {detail!r}, which is not on the rating scale; "
                                   "it counts as unrated.",
        ReasonCode.NOT_APPLICABLE: f"{c} does not apply to this scope; its rating ({detail}) "
                                   "was ignored.",
        ReasonCode.NA_WITHOUT_JUSTIFICATION: f"{c} is rated {detail!r} without a justification; "
                                             "it counts as unrated.",
        ReasonCode.CRITICAL_BELOW_FULL: f"{c} is critical and rated {detail!r}, below the top "
                                        "of the scale: not certifiable.",
        ReasonCode.DOMAIN_BELOW_FLOOR: f"Domain {d} is below its floor{below}; the grade is "
                                       f"capped at {detail}.",
        ReasonCode.BELOW_LOWEST_BAND: f"The overall score {detail} is below the lowest grade "
                                      "band: not certifiable.",
        ReasonCode.NO_APPLICABLE_CRITERIA: "No criterion counts for this scope, so there is no "
                                           "score.",
    }
    return texts[reason.code]
