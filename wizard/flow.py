"""The question wizard: one view class, public so that the counter's walk-in wizard can extend it.

The wizard is one plain view over ``navigation``: a POST validates only the page it comes from and
stores that page's cleaned answer in the session, by question key; every other request reads the stored
answers and never builds another page's form. A GET of a page never writes the session. So that no
answer is lost and no page is skipped:

* "上一步" keeps what was typed on the page, without validating it;
* a changed answer drops the answers that no longer apply and checks the later
  ones again (``State.reclean``), leading to the first that no longer validates;
* a "修改" link from the summary returns to the summary once nothing is missing;
* a page not yet reachable, an expired session or a broken POST leads back, with a
  message, to the page that needs an answer;
* a plan is made only once ``questions.clean_answers`` accepts every answer again;
* the answers stay after the plan is made, so that Back returns to the summary and "修改回答" on a
  plan reopens it: the same answers lead to the same plan, changed ones to a new plan (the old code works).
"""
import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from django.views import View

from procedures import questions
from procedures.engine import EngineError
from procedures.selectors import stamps_read_once

from .forms import FIELD, form_class, typed_anything
from .models import Plan
from .navigation import (
    FIRST_STEP,
    QUESTION_OF_STEP,
    QUESTION_STEPS,
    STEPS,
    SUMMARY,
    Position,
    State,
    city_step,
    is_province_step,
    prune,
)
from .places import PlaceChoices
from .services import RegionLookup, compute_plan, plan_create, shown_answer

RETURN_FIELD = "wizard_return"  # posted from a page opened by a summary's "修改" link
# The wizard's pages are Jinja2 templates (templates/jinja2/wizard/; config/jinja2.py).
PAGES = "jinja2"
GOTO_FIELD = "wizard_goto_step"  # the "上一步" button
BASIS_FIELD = "wizard_basis"  # the digest of the answers a page was shown on (State.basis)


class ApplyWizard(View):
    """One question a page; a summary; then a stored Plan with its own URL."""

    template_name = "wizard/step.html"
    summary_template_name = "wizard/summary.html"
    exit_template_name = "wizard/exit.html"
    entry_url_name = "wizard:apply"
    step_url_name = "wizard:apply_step"
    channel = Plan.Channel.WEB
    walk_in = False  # the questions are worded for a clerk answering on the applicant's behalf

    @classproperty
    def prefix(cls):
        """Return the name this wizard's state and fields go by, from the class name (apply_wizard)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    @property
    def session_key(self):
        return f"wizard_{self.prefix}"

    @property
    def last_plan_key(self):
        """Return the session key of the plan just made, for a second press of the summary's button."""
        return f"wizard_{self.prefix}_last_plan"

    @property
    def step_field(self):
        """Return the name of the hidden field saying which page a POST comes from."""
        return f"{self.prefix}-current_step"

    def plan_creator(self):
        """Return the user recorded as having made the plan (nobody, for an applicant)."""
        return None

    def plan_url(self, code):
        """Return where to go once a plan is made."""
        return reverse("wizard:plan", kwargs={"code": code})

    def catalogue(self):
        """Return the procedures to answer against, or None for those live today (a preview overrides)."""
        return None

    def planning_day(self):
        """Return the day answers are checked and plans computed for: today (a preview may choose)."""
        return timezone.localdate()

    def dispatch(self, request, *args, **kwargs):
        # The regions' and the procedures' stamps in one query (a page writes no content).
        with stamps_read_once():
            self.today = self.planning_day()
            self.regions = RegionLookup(self.today, self.catalogue())
            self.places = PlaceChoices(self.regions.snapshot)
            self.state = State.load(request.session.get(self.session_key))
            return super().dispatch(request, *args, **kwargs)

    # --- state and redirects ---------------------------------------------------------

    def position(self):
        return Position(self.state, regions=self.regions, places=self.places)

    def save(self):
        self.request.session[self.session_key] = self.state.dump()

    def step_url(self, step):
        return reverse(self.step_url_name, kwargs={"step": step})

    def go(self, step, *, change=False, message=None, level=messages.INFO):
        """Redirect to a page, optionally keeping "change" mode or with a message."""
        if message:
            messages.add_message(self.request, level, message)
        url = self.step_url(step)
        if change and step != SUMMARY:
            url += "?change=1"
        return redirect(url)

    def resume(self, step, position):
        """Return ``step`` if it may be shown, else the first page that needs an answer."""
        return step if position.reachable(step) else position.first_open

    def restart(self, message):
        self.state = State()
        self.save()
        return self.go(FIRST_STEP, message=message)

    def timed_out(self, posted):
        """Start again after the session expired, keeping what the page just sent for when it comes again."""
        self.state = State()
        message = _("页面已超时：为保护您的信息，长时间没有操作后，之前的回答已清除，请从第一题重新回答。")
        if posted in QUESTION_STEPS:
            typed = self.get_form(posted, data=self.request.POST).typed()
            if typed_anything(typed):
                self.state.typed[posted] = typed
                message += _("您刚填的“%(question)s”已保留，答到这一题时会自动填好。") % {
                    "question": QUESTION_OF_STEP[posted].label_for(self.walk_in)}
        self.save()
        return self.go(FIRST_STEP, message=message, level=messages.WARNING)

    # --- GET ---------------------------------------------------------------------------

    def get(self, request, step=None):
        if step is None:
            if "reset" in request.GET:
                return self.restart(_("已清除您填写的内容，可以重新开始。"))
            if self.session_key not in request.session:
                # The wizard starts here; a POST without this state comes from an expired session.
                self.save()
            return self.go(self.position().first_open)
        position = self.position()
        if not position.reachable(step):
            return self.go(position.first_open)
        if step == SUMMARY:
            return self.render_summary(position)
        return self.render_step(step, position, self.shown_form(step, position))

    def get_form(self, step, **kwargs):
        """Return the form of a page, with the answers before its question."""
        key = QUESTION_OF_STEP[step].key
        keys = questions.KEYS
        before = {k: v for k, v in self.state.values().items() if keys.index(k) < keys.index(key)}
        return form_class(step)(step=step, answers=before, today=self.today, regions=self.regions, places=self.places,
                                province=self.state.provinces.get(key), walk_in=self.walk_in, **kwargs)

    def shown_form(self, step, position):
        """Return a page's form showing what was typed or stored there; a stored answer gone wrong, with its error."""
        state, key, form = self.state, QUESTION_OF_STEP[step].key, form_class(step)
        if step in state.typed:
            return self.get_form(step, initial={FIELD: state.typed[step]})
        if not position.holds_answer(step):
            return self.get_form(step, initial={FIELD: state.provinces.get(key)})
        if key in state.rejected:
            shown = self.get_form(step, data=form.data_for(step, state.rejected[key]))
            shown.is_valid()  # only to show the error
            return shown
        return self.get_form(step, initial={FIELD: form.shown(state.answers.get(key))})

    def get_context_data(self, *, step, position, **kwargs):
        steps = position.all_steps
        change = self.request.GET.get("change") == "1" or self.request.POST.get(RETURN_FIELD) == SUMMARY
        return {
            "step": step,
            "step_field": self.step_field,
            "wizard_prefix": self.prefix,
            "form_action": self.step_url(step),
            "step_number": steps.index(step) + 1,
            "step_total": len(steps),
            "step_total_exact": position.complete,
            "change_mode": change and step != SUMMARY,
            "return_field": RETURN_FIELD,
            "goto_field": GOTO_FIELD,
            "basis_field": BASIS_FIELD,
            "basis": self.state.basis(step),
            "prev_step": position.before(step),
            "wizard_entry_url": reverse(self.entry_url_name),
            **kwargs,
        }

    def render_step(self, step, position, form):
        context = self.get_context_data(form=form, step=step, position=position)
        return render(self.request, self.template_name, context, using=PAGES)

    def render_summary(self, position):
        exit_plan = self.exit_plan()
        if exit_plan is not None:
            return self.render_exit(position, exit_plan)
        context = self.get_context_data(form=None, step=SUMMARY, position=position,
                                        rows=self.summary_rows(position))
        return render(self.request, self.summary_template_name, context, using=PAGES)

    def exit_plan(self, answers=None):
        """Return the plan the answers give if the guide does not apply to them (Hong Kong...), else None.

        Such a person is told so in place of the summary, right after the answer that decides it,
        and no plan (nor reference code) is made. ``answers``: already cleaned, else the stored ones.
        """
        if answers is None:
            answers, problems = questions.clean_answers(
                self.state.values(), today=self.today, regions=self.regions)
            if problems:
                return None
        try:
            plan, _data = compute_plan(answers, today=self.today, regions=self.regions, catalogue=self.catalogue())
        except EngineError:
            return None  # the summary, and the plan's own error handling, take it from there
        return plan if plan.not_applicable else None

    def render_exit(self, position, plan):
        not_applicable = render_to_string("plan/_not_applicable.html", {"result": plan}, self.request)
        context = self.get_context_data(form=None, step=SUMMARY, position=position, not_applicable=not_applicable)
        return render(self.request, self.exit_template_name, context, using=PAGES)

    def summary_rows(self, position):
        """Return (question, shown value, change URL) for every answer, in question order."""
        answers = self.state.values()
        rows = []
        for key in position.relevant:
            if key in answers:
                question = questions.BY_KEY[key]
                url = self.step_url(question.steps[0]) + "?change=1"
                rows.append((question.label_for(self.walk_in), shown_answer(question, answers[key], self.regions), url))
        return rows

    # --- POST --------------------------------------------------------------------------

    def post(self, request, step=None):
        # The hidden field names the page, whatever the URL says.
        posted = request.POST.get(self.step_field)
        posted = posted if posted in STEPS else None
        if self.session_key not in request.session and posted != FIRST_STEP:
            last_plan = request.session.get(self.last_plan_key)
            if last_plan and posted == SUMMARY:
                # The summary's button pressed twice: show the plan the first press made.
                return redirect(self.plan_url(last_plan))
            return self.timed_out(posted)
        position = self.position()
        goto = request.POST.get(GOTO_FIELD)
        if goto:
            return self.go_back(goto, posted, position)
        if posted is None:
            return self.go(self.resume(step, position), message=_("没有收到这一页的回答，请再填一次。"),
                           level=messages.WARNING)
        if not position.reachable(posted):
            target = position.first_open
            message = _("请检查这一步的回答。") if position.rejected(target) else _("请先回答这个问题。")
            return self.go(target, message=message, level=messages.WARNING)
        basis = request.POST.get(BASIS_FIELD)
        if basis and basis != self.state.basis(posted):
            return self.changed_elsewhere(posted, position)
        if posted == SUMMARY:
            return self.finish()
        return self.answer(posted, position)

    def changed_elsewhere(self, step, position):
        """Show a page again on the answers as they are now: they changed after it was shown (another tab)."""
        messages.warning(self.request, _(
            "这一页打开以后，您的回答在别处被修改过（可能是在同一浏览器的另一个标签页或窗口里），"
            "下面已按现在的回答显示，请核对后再继续。同一个浏览器一次只能填写一份；"
            "要为另一个人填写，请先完成这一份，或换一个浏览器。"))
        if step == SUMMARY:
            return self.render_summary(position)
        typed = self.get_form(step, data=self.request.POST).typed()
        return self.render_step(step, position, self.get_form(step, initial={FIELD: typed}))

    def go_back(self, goto, posted, position):
        """Go to another page, keeping what was typed on this one without validating it."""
        if posted in QUESTION_STEPS and position.reachable(posted) and self.keep_typed(posted, position):
            self.save()
            position = self.position()
        return self.go(self.resume(goto, position))

    def keep_typed(self, step, position):
        """Keep what was typed on a page (it stands in for the page's answer); return whether anything changed.

        Input that is valid and the same as the stored answer changes nothing.
        """
        state = self.state
        form = self.get_form(step, data=self.request.POST)
        key = form.key
        typed = form.typed()
        if position.holds_answer(step):
            stored = key in state.answers or key in state.rejected
            same = form.is_valid() and key in state.answers and state.answers[key] == self.to_json(form)
        else:
            stored = key in state.provinces
            same = form.is_valid() and state.provinces.get(key) == form.cleaned_answer
        if same:
            if step not in state.typed:
                return False
            del state.typed[step]
            return True
        if not (typed_anything(typed) or stored or step in state.typed):
            return False
        state.typed[step] = typed
        state.answers.pop(key, None)
        state.rejected.pop(key, None)
        if not position.holds_answer(step):
            state.provinces.pop(key, None)
        return True

    @staticmethod
    def to_json(form):
        return questions.to_json({form.key: form.cleaned_answer})[form.key]

    def answer(self, step, position):
        """Validate a page; store its answer and go on, or show it again with its error."""
        form = self.get_form(step, data=self.request.POST)
        if not form.is_valid():
            return self.render_step(step, position, form)
        if self.store(step, form):
            self.state.reclean(form.key, today=self.today, regions=self.regions)
        if is_province_step(step) and form.city_hint():  # the city the province page's filter found
            self.state.typed[city_step(form.question)] = form.city_hint()
        position = prune(self.state, regions=self.regions, places=self.places)
        self.save()
        if self.request.POST.get(RETURN_FIELD) == SUMMARY:
            city = city_step(form.question)
            # Someone changing a region may want another city in the same province.
            target = city if is_province_step(step) and city in position.steps else position.open_after(step)
            return self.go(target, change=True)
        return self.go(position.after(step))

    def store(self, step, form):
        """Store a page's valid answer; return whether the question's answer changed."""
        state, key, value = self.state, form.key, self.to_json(form)
        state.typed.pop(step, None)
        if is_province_step(step):
            moved = state.provinces.get(key) != value
            state.provinces[key] = value
            if self.places.has_prefectures(value):
                if moved:  # the city chosen before lies in another province
                    state.answers.pop(key, None)
                    state.rejected.pop(key, None)
                return moved
        changed = key not in state.answers or state.answers[key] != value
        state.answers[key] = value
        state.rejected.pop(key, None)
        return changed

    def finish(self):
        """Check every answer again with ``questions``, then make the plan (none where the guide does not apply)."""
        answers, problems = questions.clean_answers(self.state.values(), today=self.today, regions=self.regions)
        if not problems:
            exit_plan = self.exit_plan(answers)
            if exit_plan is not None:
                return self.render_exit(self.position(), exit_plan)
        if problems:
            self.state.set_aside(problems)
            self.save()
            return self.go(self.position().first_open, message=_("请检查这一步的回答。"), level=messages.WARNING)
        return self.done(answers)

    def done(self, answers):
        """Show the plan for accepted answers: the last one made, if it says exactly this today, else a new one.

        The same answers give a new plan once the content has changed (a fee published since, say).
        """
        last = Plan.objects.filter(code=self.request.session.get(self.last_plan_key) or "").first()
        if last is not None and last.answers == questions.to_json(answers) and last.computed_for == self.today:
            _plan, data = compute_plan(answers, today=self.today, regions=self.regions)
            if last.result == data:
                return redirect(self.plan_url(last.code))
        plan = plan_create(answers=answers, today=self.today, channel=self.channel, created_by=self.plan_creator())
        self.request.session[self.last_plan_key] = plan.code
        return redirect(self.plan_url(plan.code))

