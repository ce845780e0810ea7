"""Preview a draft: the applicant's wizard, answered against a catalogue where the draft is live.

Nothing is stored: the plan is computed and shown on a page of its own, marked as
a preview, and the answers stay in the (admin's) session so they can be changed
and the draft edited and previewed again.
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wizard.services import compute_plan
from wizard.views import ApplyWizard

from . import engine, questions
from .models import Procedure
from .selectors import load_catalogue

PREVIEW_SESSION_KEY = "procedures_preview_draft"
PREVIEW_PERMISSION = "procedures.change_procedure"


def start_preview(request, procedure):
    """Remember which draft the admin previews; return the wizard's first page."""
    request.session[PREVIEW_SESSION_KEY] = procedure.pk
    messages.info(request, _("正在预览 %(procedure)s：按草稿内容计算，不会保存办事计划。") % {"procedure": procedure})
    return redirect(reverse("admin:procedures_procedure_preview") + "?reset=1")


class PreviewWizard(ApplyWizard):
    """The applicant's questions; at the end, the plan the draft would give, not saved."""

    entry_url_name = "admin:procedures_procedure_preview"
    step_url_name = "admin:procedures_procedure_preview_step"

    def draft(self):
        if not hasattr(self, "_draft"):
            pk = self.request.session.get(PREVIEW_SESSION_KEY)
            self._draft = Procedure.objects.filter(pk=pk).first() if pk else None
        return self._draft

    def catalogue(self):
        draft = self.draft()
        if draft is None:
            return None
        if not hasattr(self, "_catalogue"):
            self._catalogue = load_catalogue(self.today, replace=draft)
        return self._catalogue

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(PREVIEW_PERMISSION):
            raise PermissionDenied
        if self.draft() is None:
            messages.warning(request, _("请先在某个流程版本的页面上点“预览”。"))
            return redirect("admin:procedures_procedure_changelist")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["preview_procedure"] = self.draft()
        return context

    def done(self, form_list, **kwargs):
        answers, problems = questions.clean_answers(
            self.answers_from_storage(), today=self.today, regions=self.regions)
        if problems:  # the applicant's wizard sends the person back to the step in question
            return super().done(form_list, **kwargs)
        draft = self.draft()
        links = {
            "draft": draft,
            "summary_url": self.get_step_url(self.steps.last),
            "draft_url": reverse("admin:procedures_procedure_change", args=[draft.pk]),
        }
        try:
            plan, result = compute_plan(
                answers, today=self.today, regions=self.regions, catalogue=self.catalogue())
        except engine.EngineError as error:
            # A draft is allowed to be broken while it is edited; say what the engine met and
            # send the admin to the checks, keeping the answers for the next preview.
            return render(self.request, "admin/procedures/procedure/preview_error.html", {
                **links, "error": str(error),
                "publish_url": reverse("admin:procedures_procedure_publish", args=[draft.pk]),
            })
        return render(self.request, "admin/procedures/procedure/preview_plan.html", {
            **links,
            "result": result,
            "answers": questions.to_json(answers),
            "uses_draft": plan.procedure == draft.slug or any(
                step.procedure == draft.slug for step in plan.steps),
        })
