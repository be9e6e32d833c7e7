"""The pseudo-language itself: what it marks, and what it reports as untranslated."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.translation import gettext, gettext_lazy, ngettext

from tests.i18n.pseudo import pseudo_language, untranslated_html, untranslated_words


def test_it_marks_every_kind_of_translated_string():
    lazy = gettext_lazy("Lazy words")
    with pseudo_language():
        assert gettext("Plain words") == "⟦Plain words⟧"
        assert ngettext("one reply", "%(n)s replies", 2) == "⟦%(n)s replies⟧"
        assert str(lazy) == "⟦Lazy words⟧"
        html = Template(
            "{% load i18n %}{% translate 'Tag words' %} "
            "{% blocktranslate with name=name %}Hello {{ name }}{% endblocktranslate %}"
        ).render(Context({"name": "Alice"}))
    assert html == "⟦Tag words⟧ ⟦Hello Alice⟧"
    assert gettext("Plain words") == "Plain words"


def test_it_reports_words_outside_the_markers():
    assert untranslated_words("⟦Ticket⟧ #12 Open ⟦new⟧") == ["Open"]
    assert untranslated_words("⟦Reply from ⟦Sam⟧ now⟧") == []


def test_user_data_and_brand_words_may_stand_outside():
    text = "⟦Reported by⟧ Alice Smith: Printer on fire"
    assert untranslated_words(text, allowed=["Alice Smith", "Printer on fire"]) == []


def test_it_reads_visible_text_and_attributes_not_scripts():
    html = (
        '<p title="Hover text">⟦Hello⟧</p><script>var x = "code";</script>'
        '<input type="submit" value="Send"><input name="q" placeholder="⟦Search⟧">'
    )
    assert untranslated_html(html) == ["Hover", "text", "Send"]
