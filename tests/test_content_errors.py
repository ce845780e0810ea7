"""Published content that cannot give a plan answers a polite 503, never a 500 and never a wrong plan."""
import pytest
from django.urls import reverse

from procedures.models import Fee, Procedure
from procedures.signals import bump_stamp

pytestmark = pytest.mark.django_db


def answer_reason(client):
    client.get(reverse("wizard:apply"))
    return client.post(reverse("wizard:apply_step", args=["reason"]),
                       {"reason-answer": "expired", "apply_wizard-current_step": "reason"})


def test_a_live_condition_saved_around_the_checks_gives_the_polite_page(client):
    assert answer_reason(client).status_code == 302  # the same answer while the content is sound
    live = Procedure.objects.filter(slug="cross-region-renewal", status=Procedure.Status.PUBLISHED).first()
    # update() skips the validators, as a version could once a fact it names was removed from the code.
    Fee.objects.filter(procedure=live).update(condition={"fact": "no_such_fact", "op": "eq", "value": True})
    Procedure.objects.filter(pk=live.pk).update(cache_token=live.cache_token + 1)  # what a save would do
    bump_stamp("procedures")

    response = answer_reason(client)

    assert response.status_code == 503
    assert "不是您的操作有误" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
