"""The admin's version pages: publish, new draft and restore, history, diff, diagram,
the stale list, and export and import. Views only: the writes are in ``services``,
the reads in ``selectors``. (A draft's preview runs the applicant's wizard, so it
lives in ``wizard.preview``, wired among these pages by ``config.urls``.)
"""
import datetime
import json

from django import forms
from django.contrib import messages
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import exchange, imports, selectors, services
from .describe import describe_condition
from .diagram import render_svg
from .diagram_marks import diagram_marks
from .diff import diff_versions
from .engine import EngineError
from .models import Procedure
from .validation import check_procedure

CHANGE = "procedures.change_procedure"
ADD = "procedures.add_procedure"
VIEW = "procedures.view_procedure"


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("从这一天起，新的申请人按这个版本计算；之前生成的清单不受影响。"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        if value < self.today:
            raise forms.ValidationError(_("生效日期不能早于今天。"))
        return value


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("导出的 JSON 文件"))


def problem_link(problem):
    """Return the URL of the admin row a check message is about, or ''."""
    return row_link(getattr(problem, "obj", None))


def row_link(obj):
    """Return the admin URL of a row: its own page, or its place on its procedure's page."""
    if obj is None or not getattr(obj, "pk", None):
        return ""
    if isinstance(obj, Procedure):
        return reverse("admin:procedures_procedure_change", args=[obj.pk])
    owner = getattr(obj, "procedure_id", None)
    model = type(obj)
    if owner is None:
        if model._meta.app_label == "procedures":
            return reverse(f"admin:procedures_{model._meta.model_name}_change", args=[obj.pk])
        return ""
    prefix = model._meta.get_field("procedure").remote_field.get_accessor_name()
    pks = list(model.objects.filter(procedure_id=owner).values_list("pk", flat=True))
    anchor = f"#{prefix}-{pks.index(obj.pk)}" if obj.pk in pks else ""
    return reverse("admin:procedures_procedure_change", args=[owner]) + anchor


def _version(value):
    """Return the version a diff query names, or None (not a positive whole number, or no such row)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Procedure.objects.filter(pk=pk).first() if pk > 0 else None


def diff_pair(old, new):
    """Return (before, after, problem) for two version ids as typed; ``problem`` is '' when both fit."""
    if old in ("", None) or new in ("", None):
        return None, None, _("请选择要比较的两个版本。")
    before, after = _version(old), _version(new)
    for value, found in ((old, before), (new, after)):
        if found is None:
            return before, after, _("找不到要比较的版本 %(value)s。") % {"value": str(value)[:40]}
    if before.slug != after.slug:
        return before, after, _("只能比较同一流程的两个版本：%(old)s 与 %(new)s 不是同一流程。") % {
            "old": before, "new": after}
    return before, after, ""


def problem_rows(found, *, links=True):
    """Return check messages as rows to show; ``links=False`` for rows that were rolled back."""
    return [
        {"level": "error" if message.is_serious() else "warning", "id": message.id, "msg": message.msg,
         "hint": getattr(message, "hint", "") or "", "url": problem_link(message) if links else ""}
        for message in found
    ]


def message_text(row):
    """Return a check as a message: its id as code (the admin capitalises a message's first letter)."""
    if row.get("hint"):
        return format_html("<code>{}</code> {}（{}）", row["id"], row["msg"], row["hint"])
    return format_html("<code>{}</code> {}", row["id"], row["msg"])


def diagram_context(procedure, found):
    """Return the diagram with the parts the checks ``found`` name, and the transitions in words.

    A version saved around the validators (an old one, after a fact was removed) does not compile: it
    gets no diagram, and its checks say why.
    """
    try:
        graph = selectors.compiled(procedure)
    except EngineError:
        return {"diagram_svg": None, "transition_words": [], "diagram_flags": []}
    marks = diagram_marks(graph, found)
    return {
        "diagram_svg": render_svg(graph, marks=marks),
        "diagram_flags": marks.items,
        "transition_words": [
            {"label": t.label, "source": t.source, "target": t.target, "kind": t.kind,
             "words": describe_condition(t.condition), "checks": marks.edge(t)}
            for state in graph.states
            for t in graph.outgoing.get(state.code, ())],
    }


class VersionAdminMixin:
    """Extra pages for ``ProcedureAdmin``."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("stale/", wrap(self.stale_view), name="procedures_procedure_stale"),
            path("export/", wrap(self.export_view), name="procedures_procedure_export"),
            path("import/", wrap(self.import_view), name="procedures_procedure_import"),
            path("versions/<slug:slug>/", wrap(self.versions_view), name="procedures_procedure_versions"),
            path("diff/<int:old>/<int:new>/", wrap(self.diff_view), name="procedures_procedure_diff"),
            path("<int:pk>/publish/", wrap(self.publish_view), name="procedures_procedure_publish"),
            path("<int:pk>/new-draft/", wrap(self.new_draft_view), name="procedures_procedure_new_draft"),
            path("<int:pk>/diagram/", wrap(self.diagram_page_view), name="procedures_procedure_diagram_page"),
            path("<int:pk>/diagram.svg", wrap(self.diagram_view), name="procedures_procedure_diagram"),
            *super().get_urls(),
        ]

    def _require(self, request, permission):
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    # --- publish, new draft -----------------------------------------------------

    def publish_view(self, request, pk):
        self._require(request, CHANGE)
        procedure = get_object_or_404(Procedure, pk=pk)
        change_url = reverse("admin:procedures_procedure_change", args=[pk])
        if not procedure.is_draft:
            messages.error(request, _("%(procedure)s 不是草稿，不能发布。") % {"procedure": procedure})
            return redirect(change_url)
        today = timezone.localdate()
        # An imported draft proposes the file's effective date; a past one cannot be chosen any more.
        effective_from = max(procedure.effective_from or today, today)
        form = PublishForm(request.POST or None, today=today, initial={"effective_from": effective_from})
        if form.is_bound and form.is_valid():
            effective_from = form.cleaned_data["effective_from"]
            try:
                warnings = services.procedure_publish(
                    procedure=procedure, user=request.user, effective_from=effective_from, today=today)
            except services.PublishRefused as refusal:
                messages.error(request, _("未发布：请先改正下面的错误。"))
                found = refusal.problems
            except services.ProcedureLocked as locked:
                messages.error(request, str(locked))
                return redirect(change_url)
            else:
                for row in problem_rows(warnings):
                    messages.warning(request, message_text(row))
                if effective_from > today:
                    text = _("已发布 %(procedure)s，将于 %(day)s 生效。")
                else:
                    text = _("已发布 %(procedure)s，现在起对新的申请人生效。")
                messages.success(request, text % {"procedure": procedure, "day": effective_from.isoformat()})
                return redirect(change_url)
        else:
            found = services.publish_checks(procedure, effective_from)
        rows = problem_rows(found)
        live = selectors.live_version(procedure.slug, today)
        replaced = Procedure.objects.filter(
            slug=procedure.slug, status=Procedure.Status.PUBLISHED, effective_from__gte=effective_from)
        return TemplateResponse(request, "admin/procedures/procedure/publish.html", self._context(
            request, title=_("发布 %(procedure)s") % {"procedure": procedure}, original=procedure,
            form=form, errors=[r for r in rows if r["level"] == "error"],
            warnings=[r for r in rows if r["level"] == "warning"], live=live, replaced=list(replaced),
            diff=diff_versions(live, procedure) if live else None,
            preview_on=effective_from if effective_from > today else None,
        ))

    def new_draft_view(self, request, pk):
        self._require(request, CHANGE)
        source = get_object_or_404(Procedure, pk=pk)
        if request.method != "POST":
            return redirect("admin:procedures_procedure_change", pk)
        try:
            draft = services.draft_create(source=source, user=request.user)
        except services.ProcedureLocked as locked:
            messages.error(request, str(locked))
            existing = services.open_draft(source.slug)
            return redirect("admin:procedures_procedure_change", existing.pk if existing else pk)
        except services.PublishRefused as refusal:
            # Rows saved before a rule changed (a fact removed, say) no longer validate; the copy
            # was rolled back, so say which rows stand in the way.
            messages.error(request, _("没有新建草稿：v%(source)d 中有记录不符合现在的规则，请看下面的问题。") % {
                "source": source.version})
            for row in problem_rows(refusal.problems):
                messages.error(request, message_text(row))
            return redirect("admin:procedures_procedure_change", pk)
        if source.is_published and selectors.version_status(source) == "live":
            messages.success(request, _("已新建草稿 v%(version)d（复制自现行的 v%(source)d），改好后预览并发布。") % {
                "version": draft.version, "source": source.version})
        else:
            messages.success(request, _("已把 v%(source)d 恢复为新草稿 v%(version)d，检查后发布即可。") % {
                "version": draft.version, "source": source.version})
        return redirect("admin:procedures_procedure_change", draft.pk)

    # --- history, diff, diagram ----------------------------------------------------------

    def versions_view(self, request, slug):
        self._require(request, VIEW)
        versions = selectors.version_history(slug)
        if not versions:
            raise Http404
        return TemplateResponse(request, "admin/procedures/procedure/versions.html", self._context(
            request, title=_("%(slug)s 的版本") % {"slug": slug}, slug=slug, versions=versions,
            draft=next((v for v in versions if v.is_draft), None),
            can_change=request.user.has_perm(CHANGE),
        ))

    def diff_view(self, request, old, new):
        self._require(request, VIEW)
        from_form = "old" in request.GET or "new" in request.GET
        if from_form:  # the history page's form; its values are whatever the query says
            old, new = request.GET.get("old", ""), request.GET.get("new", "")
        before, after, problem = diff_pair(old, new)
        if problem:
            messages.error(request, problem)
            known = after or before
            if known is None:
                return redirect("admin:procedures_procedure_changelist")
            return redirect("admin:procedures_procedure_versions", known.slug)
        if from_form:
            return redirect("admin:procedures_procedure_diff", before.pk, after.pk)
        return TemplateResponse(request, "admin/procedures/procedure/diff.html", self._context(
            request, title=_("%(slug)s：v%(old)d 与 v%(new)d 的差别") % {
                "slug": after.slug, "old": before.version, "new": after.version},
            before=before, after=after, sections=diff_versions(before, after),
        ))

    def diagram_page_view(self, request, pk):
        self._require(request, VIEW)
        procedure = get_object_or_404(Procedure, pk=pk)
        found = check_procedure(procedure)
        return TemplateResponse(request, "admin/procedures/procedure/diagram.html", self._context(
            request, title=_("状态图：%(procedure)s") % {"procedure": procedure}, original=procedure,
            check_rows=problem_rows(found), **diagram_context(procedure, found),
        ))

    def diagram_view(self, request, pk):
        self._require(request, VIEW)
        procedure = get_object_or_404(Procedure, pk=pk)
        try:
            graph = selectors.compiled(procedure)
        except EngineError as error:  # saved around the validators; its change page lists the checks
            raise Http404(str(error)) from error
        svg = render_svg(graph, marks=diagram_marks(graph, check_procedure(procedure)))
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")

    # --- stale, export, import -----------------------------------------------------------

    def stale_view(self, request):
        self._require(request, VIEW)
        today = timezone.localdate()
        groups = []
        for model, rows in selectors.stale_records(today):
            items = [{"row": row, "url": row_link(row), "owner": getattr(row, "procedure", None)
                      if model is not Procedure else None} for row in rows]
            groups.append({"title": model._meta.verbose_name_plural, "items": items})
        return TemplateResponse(request, "admin/procedures/procedure/stale.html", self._context(
            request, title=_("超过 12 个月未核对的内容"), groups=groups, today=today,
            cutoff=today - datetime.timedelta(days=selectors.STALE_AFTER_DAYS),
        ))

    def export_view(self, request):
        self._require(request, VIEW)
        today = timezone.localdate()
        text = exchange.dumps(selectors.export_document(today))
        response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="procedures-{today.isoformat()}.json"'
        return response

    def import_view(self, request):
        self._require(request, CHANGE)
        self._require(request, ADD)
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if form.is_bound and form.is_valid():
            try:
                document = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
            except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON, huge numbers, deep nesting
                problems = [checks.Error(_("文件不是有效的 JSON：%(error)s") % {"error": error}, id="procedures.E100")]
            else:
                try:
                    drafts = imports.procedures_import(document=document, user=request.user)
                except imports.ImportRefused as refusal:
                    problems = refusal.problems
                else:
                    if drafts:
                        names = "、".join(str(p) for p in drafts)
                        messages.success(request, _("已导入为草稿：%(names)s。请逐个预览，确认后发布。") % {
                            "names": names})
                        return redirect(reverse("admin:procedures_procedure_changelist") + "?status__exact=draft")
                    messages.success(request, _("文件与已发布的内容相同，没有改动。"))
                    return redirect("admin:procedures_procedure_changelist")
            messages.error(request, _("没有导入任何内容：请改正下面的问题后重试。"))
        return TemplateResponse(request, "admin/procedures/procedure/import.html", self._context(
            # The rows a refused import names were rolled back: there is no page to link to.
            request, title=_("导入流程"), form=form, problems=problem_rows(problems, links=False),
        ))
