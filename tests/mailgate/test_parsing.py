"""Reading real mail: bodies, quotes and signatures, charsets, HTML, attachments."""

from __future__ import annotations

import pytest

from mailgate.html import html_to_text
from mailgate.parsing import parse
from mailgate.quotes import strip_reply
from tests.mailgate.conftest import fixture


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gmail_reply.eml", "Thanks, it works again after the restart.\n\nAlice"),
        (
            "outlook_reply.eml",
            "It dropped again at 10:55, right after the laptop went to sleep.\n\nRegards,\nBob",
        ),
        ("outlook_html_reply.eml", "Es ist wieder passiert, um 10:55 Uhr.\n\nGrüße, Bob"),
        ("apple_mail_reply.eml", "Merci, l'imprimante fonctionne à nouveau.\n\nClaire"),
        ("thunderbird_reply.eml", "Hallo,\n\nder Drucker druckt jetzt, danke!\n\nGruß\nDieter"),
        ("spanish_reply.eml", "Ya funciona, gracias."),
    ],
)
def test_replies_from_common_clients_keep_only_what_was_written(name, expected):
    text = strip_reply(parse(fixture(name)).body)
    # Blank lines may differ by client; the words and their order may not.
    assert [line for line in text.splitlines() if line] == [
        line for line in expected.splitlines() if line
    ]
    assert "reply above" not in text.lower()


def test_a_reply_that_is_all_quote_keeps_the_whole_body():
    body = "> earlier words\n> more of them"
    assert strip_reply(body) == body


def test_the_helpdesks_marker_cuts_in_any_language():
    body = "Danke!\n\n##- Bitte geben Sie Ihre Antwort über dieser Zeile ein -##\nalt"
    assert strip_reply(body) == "Danke!"


def test_the_signature_goes():
    assert strip_reply("Fixed, thanks.\n\n-- \nAlice\nACME Corp") == "Fixed, thanks."


def test_iso_8859_1_body_and_sender_name_are_decoded():
    parsed = parse(fixture("iso_8859_1.eml"))
    assert parsed.subject == "Grüße aus Köln"
    assert parsed.sender_name == "Jürgen Müller"
    assert parsed.body.strip() == "Die Tür klemmt, bitte prüfen. Straße 5, 3 °C."


def test_shift_jis_body_and_subject_are_decoded():
    parsed = parse(fixture("shift_jis.eml"))
    assert parsed.subject == "プリンター故障"
    assert parsed.sender_name == "山田"
    assert parsed.body.strip() == "プリンターが動きません。"


def test_rfc_2047_subject_and_rfc_2231_filename_are_decoded():
    parsed = parse(fixture("rfc2047_subject.eml"))
    assert parsed.subject == "Schließfach kaputt — bitte helfen"
    assert parsed.body.strip() == "Siehe Anhang."
    pdf, image = parsed.attachments
    assert (pdf.filename, pdf.content_type) == ("Rechnung März.pdf", "application/pdf")
    assert pdf.content.startswith(b"%PDF-1.4")
    # An inline image without a name is an attachment too, named for its type.
    assert (image.filename, image.content_type) == ("attachment-2.png", "image/png")
    assert image.content.startswith(b"\x89PNG")


def test_an_attachment_name_is_never_a_path():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/x-sh\r\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nroot\r\n--b--\r\n'
    )
    (attachment,) = parse(raw).attachments
    assert attachment.filename == "passwd"


def test_html_keeps_the_words_and_nothing_else():
    parsed = parse(fixture("html_script.eml"))
    text = strip_reply(parsed.body)
    assert "Hello there" in text
    assert "alert" not in text
    assert "document.cookie" not in text
    assert "body{}" not in text
    assert "<b>" not in text and "<img" not in text and "comment" not in text
    # Escaped markup in the HTML was text, and stays text (escaped again on output).
    assert "<script>escaped</script> stays text" in text


def test_html_blockquotes_become_quotes():
    html = "<p>Yes.</p><blockquote>On Monday you wrote: <b>no</b></blockquote>"
    assert html_to_text(html) == "Yes.\n\n> On Monday you wrote: no"
    assert strip_reply(html_to_text(html)) == "Yes."


def test_an_unknown_charset_does_not_stop_the_message():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=x-nonsense\r\n\r\nhello\r\n"
    )
    assert parse(raw).body.strip() == "hello"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply.eml", "Auto-Submitted: auto-replied"),
        ("dsn_bounce.eml", "Auto-Submitted: auto-replied"),
        ("list_mail.eml", "Precedence: list"),
    ],
)
def test_automatic_mail_is_recognised(name, reason):
    assert parse(fixture(name)).automatic == reason


@pytest.mark.parametrize(
    "header",
    [
        "Precedence: bulk",
        "Precedence: junk",
        "X-Autoreply: yes",
        "X-Auto-Response-Suppress: OOF",
        "List-Id: <a.lists.example.org>",
        "Auto-Submitted: auto-generated",
    ],
)
def test_each_loop_header_marks_automatic_mail(header):
    raw = f"From: a@example.com\r\nSubject: x\r\n{header}\r\n\r\nhi\r\n".encode()
    assert parse(raw).automatic


def test_a_dsn_without_auto_submitted_is_automatic_by_its_type():
    raw = (
        b"From: postmaster@example.com\r\nSubject: failure\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=d\r\n\r\n"
        b"--d\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--d--\r\n"
    )
    assert "multipart/report" in parse(raw).automatic


def test_auto_submitted_no_is_a_person():
    raw = b"From: a@example.com\r\nSubject: x\r\nAuto-Submitted: no\r\n\r\nhi\r\n"
    assert parse(raw).automatic == ""
