"""Emails about a message name its files, escaped in the HTML part."""

from __future__ import annotations

import pytest

from tests.files import content
from tickets import services


@pytest.mark.django_db
def test_the_email_of_a_reply_lists_its_files_escaped(mail, reporter, agent, ticket):
    mail.during(
        lambda: services.post_message(
            actor=agent,
            ticket=ticket,
            body="See the files",
            files=[content("<img src=x onerror=alert(1)>.txt", b"x"), content("b.pdf", b"%PDF")],
        )
    )
    (email,) = mail.last
    assert "Files attached: <img src=x onerror=alert(1)>.txt, b.pdf" in email.body
    html = email.alternatives[0].content
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt, b.pdf" in html
