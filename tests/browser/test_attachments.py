"""A reporter attaches a screenshot when reporting, and sees it on the ticket page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_screenshot_attached_to_a_report_shows_as_a_thumbnail(
    page, sign_in, screenshot, reporter
):
    sign_in(page, "alice")
    # A real screenshot: of the page the reporter is looking at.
    shot = page.screenshot(type="png")
    page.goto("/tickets/new/")
    page.get_by_label("Description").fill("The list page looks odd, see the screenshot.")
    page.get_by_label("Screenshots or files").set_input_files(
        [
            {"name": "screenshot.png", "mimeType": "image/png", "buffer": shot},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"Seen at 9:14"},
        ]
    )
    expect(page.locator(".dropzone-files li")).to_have_text(["screenshot.png", "notes.txt"])
    page.get_by_role("button", name="Report issue").click()
    expect(page.get_by_role("status")).to_contain_text("your issue is reported")

    thumbnail = page.get_by_role("img", name="screenshot.png")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("link", name="notes.txt")).to_have_attribute("download", "")
    expect(page.locator(".attachment-size").first).to_contain_text("KB")
    screenshot(page, "ticket-attachments")

    # The thumbnail opens the full image, as an image.
    image = Attachment.objects.get(filename="screenshot.png")
    with page.context.expect_page() as opened:
        page.locator(".attachment-thumb").click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith(f"/files/{image.pk}/")
    assert full.evaluate("document.contentType") == "image/png"


def test_files_dropped_on_the_reply_form_are_sent(page, sign_in, reporter):
    from tests.factories import make_ticket

    ticket = make_ticket(reporter)
    sign_in(page, "alice")
    page.goto(f"/tickets/{ticket.pk}/")
    page.get_by_role("textbox", name="Reply").fill("Here is the log.")
    # A drop, as the browser delivers one: a DataTransfer holding a file.
    page.locator("[data-dropzone]").evaluate(
        """zone => {
            const data = new DataTransfer();
            data.items.add(new File(["line 1"], "dropped.log", {type: "text/plain"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                      cancelable: true}));
        }"""
    )
    expect(page.locator(".dropzone-files li")).to_have_text(["dropped.log"])
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("link", name="dropped.log")).to_be_visible()


@pytest.mark.usefixtures("helpdesk_staff_group")
def test_staff_see_the_screenshot_in_the_console_and_attach_to_a_note(
    new_page, screenshot, reporter, agent
):
    from django.core.files.base import ContentFile

    from tests.browser.test_admin_console import sign_in_to_the_console
    from tests.files import png_bytes
    from tickets import services

    ticket = services.report_issue(
        reporter=reporter,
        subject="Dialog cut off",
        description="See the screenshot.",
        files=[ContentFile(png_bytes((800, 500), "teal"), name="dialog.png")],
    )
    page = new_page()
    sign_in_to_the_console(page, "sam")
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    thumbnail = page.get_by_role("img", name="dialog.png")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")

    page.fill("textarea[name=reply]", "Vendor log attached.")
    page.get_by_label("Attach files").set_input_files(
        [{"name": "vendor.log", "mimeType": "text/plain", "buffer": b"E42"}]
    )
    page.get_by_label("Internal note (only staff see it)").check()
    page.click("input[name=_continue]")
    expect(page.get_by_role("link", name="vendor.log")).to_be_visible()
    screenshot(page, "console-attachments")
    note = Attachment.objects.get(filename="vendor.log")
    assert note.message.is_internal
