"""The phases in which the engine learns facts, in order (see ``facts`` and ``parts``).

A module of its own so that ``parts`` (which says how late a part's condition is
evaluated) and ``facts`` (which reads that from ``parts``) import no cycle.
"""
ANSWER, DERIVED, WINDOW, TIMELINE = 0, 1, 2, 3
