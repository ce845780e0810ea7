"""factory_boy factories for the procedure models."""
import datetime

import factory

from procedures import models


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Procedure

    slug = factory.Sequence(lambda n: f"test-procedure-{n}")
    name = factory.Sequence(lambda n: f"测试流程 {n}")
    version = 1
    status = models.Procedure.Status.PUBLISHED
    effective_from = datetime.date(2004, 1, 1)
    priority = 100
    confidence = models.Confidence.VERIFIED


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.State

    procedure = factory.SubFactory(ProcedureFactory)
    code = factory.Sequence(lambda n: f"state_{n}")
    name = factory.LazyAttribute(lambda o: f"环节 {o.code}")
    order = factory.Sequence(lambda n: n)


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Transition

    procedure = factory.LazyAttribute(lambda o: o.source_state.procedure)
    label = factory.LazyAttribute(lambda o: f"{o.source_state.code}→{o.target_state.code}")


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Fee

    code = factory.Sequence(lambda n: f"fee_{n}")
    label = "工本费"
    amount_yuan = 20
    valid_from = datetime.date(2004, 1, 1)


class ValidityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ValidityRule


class TimeLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TimeLimit

    kind = models.TimeLimit.Kind.DEADLINE
    amount = 60


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Notice

    code = factory.Sequence(lambda n: f"notice_{n}")
    title = "提示"
    text = "内容"


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Requirement

    code = factory.Sequence(lambda n: f"doc_{n}")
    name = factory.LazyAttribute(lambda o: f"材料 {o.code}")
