"""The engine alone, without HTTP: plan time for the seeded procedures, and a generated large one.

Run with DJANGO_SETTINGS_MODULE and DATABASE_URL set to a throwaway database; it is
migrated (which seeds the content) and a generated procedure is added to it.
Prints one ``ENGINE key=value`` line per figure, which ``bench/run.sh`` collects.

  seeded: every case of ``tests/snapshot_tools.CASES`` (all paths through the seeded
    procedures), each planned many times with the catalogue, regions and calendar
    already loaded; the median per case, then the median over the cases (and per procedure).
  generated: a procedure of 1,000 states and 5,000 transitions (``bench/generate.py``):
    median time of ``engine.compile_procedure`` and of ``engine.make_plan`` over it.
  sizes: the same shape at 250, 500, 1,000 and 2,000 states, CPU time of compile and plan at
    each, which ``bench/run.sh`` turns into time per state (linear in size: about the same).
"""
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


CPU = {}
# Sizes (states, five transitions each) at which the time per state is compared.
SIZES = (250, 500, 1000, 2000)


def timed(func, repeat):
    """Return the median wall time of ``func()`` in milliseconds over ``repeat`` runs.

    The median CPU time of this process is kept in ``CPU[func]``: on a shared machine
    it is the steadier figure (wall time includes waiting for a core).
    """
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    CPU[func] = statistics.median(cpu)
    return statistics.median(samples)


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from bench.generate import ANSWERS, generate_procedure
    from procedures import engine, questions
    from procedures.selectors import clear_caches, load_calendar, load_catalogue
    from tests.snapshot_tools import CASES, TODAY
    from wizard.services import RegionLookup

    repeat = int(os.environ.get("ENGINE_REPEAT", "200"))
    call_command("migrate", verbosity=0, interactive=False)
    translation.activate("zh-hans")

    # --- seeded procedures -------------------------------------------------------------
    catalogue, calendar = load_catalogue(), load_calendar()
    per_case, per_procedure = [], {}
    for case in CASES:
        regions = RegionLookup(TODAY)
        answers, problems = questions.clean_answers(case.answers, today=TODAY, regions=regions)
        if problems:
            continue
        hukou = regions(answers["hukou_region"])
        residence = regions(answers.get("residence_region") or answers["hukou_region"])
        try:
            plan = engine.make_plan(catalogue, answers, today=TODAY, hukou=hukou, residence=residence,
                                    calendar=calendar)
        except engine.EngineError:
            continue
        def run(answers=answers, hukou=hukou, residence=residence):
            engine.make_plan(catalogue, answers, today=TODAY, hukou=hukou, residence=residence, calendar=calendar)
        ms = timed(run, repeat)
        per_case.append(ms)
        per_procedure.setdefault(plan.procedure, []).append(ms)
    print(f"ENGINE seeded_cases={len(per_case)} seeded_procedures={len(per_procedure)}")
    for slug, samples in sorted(per_procedure.items()):
        print(f"ENGINE seeded_plan_ms[{slug}]={statistics.median(samples):.3f} cases={len(samples)}")
    print(f"ENGINE seeded_plan_median_ms={statistics.median(per_case):.3f}")
    print(f"ENGINE seeded_plan_max_ms={max(per_case):.3f}")

    # --- a generated procedure of 1,000 states and 5,000 transitions ---------------------------
    procedure = generate_procedure(states=1000, per_state=5)
    states = procedure.state_set.count()
    transitions = procedure.transition_set.count()
    def compile_it():
        engine.compile_procedure(procedure)
    compile_ms = timed(compile_it, max(5, repeat // 20))
    compiled = engine.compile_procedure(procedure)
    big = engine.Catalogue(main=(compiled,), subs=MappingProxyType({}))
    regions = RegionLookup(TODAY)
    answers, problems = questions.clean_answers(ANSWERS, today=TODAY, regions=regions)
    assert not problems, problems
    hukou, residence = regions(answers["hukou_region"]), regions(answers["residence_region"])
    plan = engine.make_plan(big, answers, today=TODAY, hukou=hukou, residence=residence, calendar=calendar)
    assert plan.procedure == "generated" and len(plan.steps) == states, len(plan.steps)
    def plan_it():
        engine.make_plan(big, answers, today=TODAY, hukou=hukou, residence=residence, calendar=calendar)
    plan_ms = timed(plan_it, max(10, repeat // 10))
    print(f"ENGINE generated_states={states} generated_transitions={transitions} plan_steps={len(plan.steps)}")
    print(f"ENGINE generated_compile_ms={compile_ms:.1f} generated_compile_cpu_ms={CPU[compile_it]:.1f}")
    print(f"ENGINE generated_plan_ms={plan_ms:.2f} generated_plan_cpu_ms={CPU[plan_it]:.2f}")

    # --- linear in size: the same shape at 250 to 2,000 states, time per state ---------------------
    for size in SIZES:
        gc.collect()  # start each size from the same heap: a full collection costs in the size of all that is alive
        sized = generate_procedure(states=size, per_state=5, slug=f"generated-{size}")
        def compile_sized(sized=sized):
            engine.compile_procedure(sized)
        timed(compile_sized, max(3, repeat // 40))
        graph = engine.Catalogue(main=(engine.compile_procedure(sized),), subs=MappingProxyType({}))
        def plan_sized(graph=graph):
            engine.make_plan(graph, answers, today=TODAY, hukou=hukou, residence=residence, calendar=calendar)
        timed(plan_sized, max(5, repeat // 20))
        # CPU time: the comparison across sizes must not depend on what else the machine is doing.
        print(f"ENGINE size_compile_ms[{size}]={CPU[compile_sized]:.2f} size_plan_ms[{size}]={CPU[plan_sized]:.3f}")
        del sized, graph, compile_sized, plan_sized
    clear_caches()


if __name__ == "__main__":
    main()
