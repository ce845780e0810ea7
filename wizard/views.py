"""The applicant's pages: the start page and the question wizard.

The wizard is django-formtools' ``NamedUrlSessionWizardView`` with a few hooks
overridden so that no answer is lost and no step can be skipped:

* which steps are asked comes from ``forms.walk`` over the raw stored data
  (``questions.relevant_keys`` decides), so conditions never recurse;
* "上一步" stores what was typed on the page without validating it;
* after each step, stored answers that no longer apply are dropped;
* a "修改" link from the summary returns to the summary once nothing is missing;
* any GET of a step not yet reachable, an expired session or a broken POST
  leads back, with a message, to the first step that needs an answer;
* ``done`` re-runs ``questions.clean_answers`` before a plan is created.
"""
import json

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from procedures import questions

from .forms import (
    FIRST_STEP_OF_KEY,
    FORM_LIST,
    FORMS,
    PREFECTURE_OF,
    QUESTION_STEPS,
    SUMMARY,
    PlaceChoices,
    walk,
)
from .models import Plan
from .services import RegionLookup, plan_create

RETURN_FIELD = "wizard_return"
CHECK_KEY = "check_step"  # extra_data: show this step's stored errors on its next GET
LAST_PLAN_KEY = "wizard_last_plan"  # session: the plan just made, for a second press of the button


class StartView(TemplateView):
    template_name = "wizard/start.html"


def _asked(step):
    def condition(wizard):
        return step in wizard.progress().steps
    return condition


class ApplyWizard(NamedUrlSessionWizardView):
    """One question a page; a summary; then a stored Plan with its own URL."""

    form_list = FORM_LIST
    condition_dict = {step: _asked(step) for step in QUESTION_STEPS}
    template_name = "wizard/step.html"
    entry_url_name = "wizard:apply"
    step_url_name = "wizard:apply_step"
    channel = Plan.Channel.WEB

    @classmethod
    def entry_view(cls):
        return cls.as_view(url_name=cls.step_url_name, done_step_name="done")

    def plan_creator(self):
        """Return the user recorded as having made the plan (nobody, for an applicant)."""
        return None

    def plan_url(self, code):
        """Return where to go once a plan is made."""
        return reverse("wizard:plan", kwargs={"code": code})

    def catalogue(self):
        """Return the procedures to answer against, or None for those live today (a preview overrides)."""
        return None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.today = timezone.localdate()
        self.regions = RegionLookup(self.today, self.catalogue())
        self.places = PlaceChoices(self.regions.snapshot)
        self._progress = None

    def get_template_names(self):
        if self.steps.current == SUMMARY:
            return ["wizard/summary.html"]
        return [self.template_name]

    # --- state read from storage ---------------------------------------------------

    def _stored(self):
        return self.storage.data[self.storage.step_data_key]

    def progress(self):
        """Return the walk over the stored data, recomputed whenever that data changes."""
        stored = self._stored()
        signature = json.dumps(stored, sort_keys=True, default=str)
        if self._progress is None or self._progress[0] != signature:
            data = {step: self.storage.get_step_data(step) for step in stored}
            result = walk(data, today=self.today, regions=self.regions, places=self.places)
            self._progress = (signature, result)
        return self._progress[1]

    def answers_from_storage(self):
        """Return the plain answers (question key -> cleaned value) given so far."""
        return dict(self.progress().answers)

    def _forget_form_list(self):
        # formtools caches the form list per request; stored data changed under it.
        self.__dict__.pop("_resolved_form_list", None)
        self.__dict__.pop("_cache_signature", None)

    def _prune(self):
        """Drop stored answers that no longer apply (or name a place outside the chosen province)."""
        progress = self.progress()
        stored = self._stored()
        for step in list(stored):
            if step not in FORMS:
                del stored[step]
            elif step in progress.stale:
                del stored[step]
            elif step in QUESTION_STEPS and step not in progress.steps and step in progress.settled:
                del stored[step]
        self._forget_form_list()

    def _resume_step(self):
        progress = self.progress()
        current = self.storage.current_step
        if current and current != SUMMARY and progress.reachable(current):
            return current
        return progress.first_open

    def _go(self, step, *, change=False, check=False, message=None, level=messages.INFO):
        """Redirect to a step, optionally keeping "change" mode or showing its stored errors."""
        self.storage.current_step = step
        if check and self.storage.get_step_data(step):
            self.storage.extra_data = {**self.storage.extra_data, CHECK_KEY: step}
        if message:
            messages.add_message(self.request, level, message)
        url = self.get_step_url(step)
        if change and step != SUMMARY:
            url += "?change=1"
        return redirect(url)

    def _posted_step(self):
        """Return the step named by the POST's management form, if it is a step of this wizard."""
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid():
            return None
        step = management.cleaned_data["current_step"]
        return step if step in self.get_form_list() else None

    def _restart(self, message):
        self.storage.reset()
        self._forget_form_list()
        return self._go(self.steps.first, message=message)

    # --- formtools hooks -----------------------------------------------------------

    def get_form_kwargs(self, step=None):
        step = step or self.steps.current
        kwargs = {"step": step, "today": self.today, "regions": self.regions, "places": self.places}
        kwargs.update(self.progress().context.get(step, {}))
        return kwargs

    def get_form_initial(self, step):
        """Show what was stored for a step (valid or not) without validating it."""
        data = self.storage.get_step_data(step)
        if not data:
            return {}
        form = FORMS[step](data=data, prefix=self.get_form_prefix(step), **self.get_form_kwargs(step))
        return {name: form[name].data for name in form.fields}

    def process_step(self, form):
        """Store only this step's own fields (not the CSRF token or the management form)."""
        prefix = f"{form.prefix}-"
        return {name: form.data.getlist(name) for name in form.data if name.startswith(prefix)}

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            if "reset" in request.GET:
                return self._restart(_("已清除您填写的内容，可以重新开始。"))
            return self._go(self._resume_step())
        progress = self.progress()
        if step == self.done_step_name or not progress.reachable(step):
            return self._go(progress.first_open)
        self.storage.current_step = step
        extra = dict(self.storage.extra_data)
        if extra.pop(CHECK_KEY, None) == step:
            self.storage.extra_data = extra
            form = self.get_form(step, data=self.storage.get_step_data(step))
            form.is_valid()
        else:
            form = self.get_form(step)
        return self.render(form)

    def post(self, *args, **kwargs):
        if self.storage.current_step is None:
            last_plan = self.request.session.get(f"{self.prefix}_{LAST_PLAN_KEY}")
            if last_plan and self.request.POST.get(f"{self.prefix}-current_step") == SUMMARY:
                # The summary's button pressed twice: show the plan the first press made.
                return redirect(self.plan_url(last_plan))
            return self._restart(_("为保护您的信息，长时间未操作后需要重新开始。"))
        step = self._posted_step()
        progress = self.progress()
        goto = self.request.POST.get("wizard_goto_step")
        if goto:
            if goto in self.get_form_list() and progress.reachable(goto):
                return self.render_goto_step(goto)
            return self._go(self._resume_step())
        if step is None:
            return self._go(self._resume_step(), message=_("没有收到这一页的回答，请再填一次。"),
                            level=messages.WARNING)
        if not progress.reachable(step):
            target = progress.first_open
            message = _("请检查这一步的回答。") if target in progress.invalid else _("请先回答这个问题。")
            return self._go(target, check=True, message=message, level=messages.WARNING)
        return super().post(*args, **kwargs)

    def render_goto_step(self, goto_step, **kwargs):
        """Go to another step, keeping what was typed on this page without validating it."""
        step = self._posted_step()
        if step and step != SUMMARY and self.progress().reachable(step):
            prefix = f"{self.get_form_prefix(step)}-"
            typed = {name: self.request.POST.getlist(name) for name in self.request.POST
                     if name.startswith(prefix)}
            typed_anything = any(value.strip() for values in typed.values() for value in values)
            if typed_anything or self.storage.get_step_data(step) is not None:
                self.storage.set_step_data(step, typed)
                self._forget_form_list()
        return self._go(goto_step)

    def render_next_step(self, form, **kwargs):
        self._prune()
        progress = self.progress()
        current = self.steps.current
        if self.request.POST.get(RETURN_FIELD) == SUMMARY:
            target = progress.next_open_after(current)
            # Someone changing a region may want another city in the same province.
            if PREFECTURE_OF.get(current) in progress.steps:
                target = PREFECTURE_OF[current]
            return self._go(target, change=True, check=target in progress.invalid)
        steps = progress.all_steps
        target = steps[steps.index(current) + 1] if current in steps else progress.first_open
        return self._go(target, check=target in progress.invalid)

    def render_done(self, form, **kwargs):
        """Revalidate every step from storage, then create the plan (only on the summary's POST)."""
        self._prune()
        progress = self.progress()
        if self.request.method != "POST" or not progress.complete:
            return self._go(progress.first_open, check=True)
        final_forms = {}
        for step in self.get_form_list():
            form_obj = self.get_form(step, data=self.storage.get_step_data(step),
                                     files=self.storage.get_step_files(step))
            if not form_obj.is_valid():
                return self.render_revalidation_failure(step, form_obj, **kwargs)
            final_forms[step] = form_obj
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

    def render_revalidation_failure(self, step, form, **kwargs):
        return self._go(step, check=True, message=_("请检查这一步的回答。"), level=messages.WARNING)

    def done(self, form_list, **kwargs):
        answers, problems = questions.clean_answers(
            self.answers_from_storage(), today=self.today, regions=self.regions)
        if problems:
            key, _message = problems[0]
            step = FIRST_STEP_OF_KEY.get(key, self.steps.first)
            return self._go(step, check=True, message=_("请检查这一步的回答。"), level=messages.WARNING)
        plan = plan_create(answers=answers, today=self.today, channel=self.channel,
                           created_by=self.plan_creator())
        self.storage.reset()
        self.request.session[f"{self.prefix}_{LAST_PLAN_KEY}"] = plan.code
        return redirect(self.plan_url(plan.code))

    # --- template context ----------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.pop(CHECK_KEY, None)
        progress = self.progress()
        steps = progress.all_steps
        current = self.steps.current
        change = self.request.GET.get("change") == "1" or self.request.POST.get(RETURN_FIELD) == SUMMARY
        context.update(
            step_number=steps.index(current) + 1 if current in steps else 1,
            step_total=len(steps),
            step_total_exact=progress.complete,
            change_mode=change and current != SUMMARY,
            return_field=RETURN_FIELD,
            prev_step=self.steps.prev,
            wizard_entry_url=reverse(self.entry_url_name),
        )
        if current == SUMMARY:
            context["rows"] = self.summary_rows(progress)
        return context

    def summary_rows(self, progress):
        """Return (question, shown value, change URL) for every answer, in question order."""
        rows = []
        for key in questions.relevant_keys(progress.answers, self.regions):
            if key not in progress.answers:
                continue
            question = questions.BY_KEY[key]
            url = self.get_step_url(FIRST_STEP_OF_KEY[key]) + "?change=1"
            rows.append((question.label, self.show_value(key, progress.answers[key]), url))
        return rows

    def show_value(self, key, value):
        question = questions.BY_KEY[key]
        if question.kind == "region":
            info = self.regions(value)
            return info.input_name if info else value
        if question.kind == "date":
            if value is None:
                return _("没有急用的日期")
            return _("%(year)s年%(month)s月%(day)s日") % {"year": value.year, "month": value.month, "day": value.day}
        if question.kind == "yes_no":
            return _("是") if value else _("否")
        if question.kind == "multi":
            return "、".join(str(questions.choice_label(key, item)) for item in value) or _("都没有")
        return questions.choice_label(key, value)

