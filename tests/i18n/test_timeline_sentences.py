"""The timeline's sentences as markup: the actor's name wherever a translation puts it."""

from __future__ import annotations

from tickets.timeline import _actor_html, _sentence_html


def test_a_translation_may_put_the_actor_anywhere_and_everything_is_escaped():
    html = _sentence_html(
        "Gestern hat %(actor)s den Status auf „%(new)s“ gesetzt",
        {"new": "<Wartet>"},
        _actor_html("<b>Sam</b>", is_staff=False),
        rest_class="entry-what",
    )
    assert html == (
        '<span class="entry-what">Gestern hat</span> '
        '<span class="entry-author">&lt;b&gt;Sam&lt;/b&gt;</span> '
        '<span class="entry-what">den Status auf „&lt;Wartet&gt;“ gesetzt</span>'
    )


def test_a_translation_may_drop_the_actor():
    html = _sentence_html("Respondiste", {}, _actor_html("Tú", is_staff=False))
    assert html == "Respondiste"
