"""The catalog in a real browser: the dispatcher opens "Catalog" from the navigation, changes a
model's care tips and adds a question to its FAQ; the owner of a product of that model, scanning
its label (signed out), sees both on the public page, the answer folded under the question."""
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_dispatcher_teaches_customers_through_the_qr_page(page, browser, server, csp_violations):
    sign_in(page, server, "dispatcher@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", name="Product models")).to_be_visible()
    page.get_by_role("link", name="AquaPure 300 water softener").click()

    page.get_by_label("Care tips", exact=True).fill("Top up salt every month.\nKeep the lid closed.")
    page.get_by_role("button", name="Save model").click()
    expect(page.get_by_text("Model details saved.")).to_be_visible()

    # A link that is no web address is refused at its field, nothing else lost.
    add_link = page.locator("#resources form").last
    add_link.get_by_label("Title").fill("Tricky")
    add_link.get_by_label("Web address").fill("javascript:alert(1)")
    add_link.get_by_role("button", name="Add link").click()
    expect(page.locator("#new-resource-url-error")).to_contain_text("starting with https://")
    expect(page.locator("#new-resource-title")).to_have_value("Tricky")

    add_question = page.locator("#faq form").last
    add_question.get_by_label("Question").fill("Why is there salt in my softener?")
    add_question.get_by_label("Answer").fill("The salt cleans the resin <every night>.")
    add_question.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Top up salt every month.")
    label_page = preview.get_by_role("link").first.get_attribute("href")

    # The owner scans the label: no session, the public page.
    owner = browser.new_context(viewport={"width": 412, "height": 915})
    phone = owner.new_page()
    phone.goto(server.url + label_page)
    expect(phone.get_by_text("Top up salt every month.")).to_be_visible()
    expect(phone.get_by_text("Keep the lid closed.")).to_be_visible()
    answer = phone.get_by_text("The salt cleans the resin <every night>.")
    expect(answer).to_be_hidden()
    phone.get_by_text("Why is there salt in my softener?").click()
    expect(answer).to_be_visible()
    video = phone.get_by_role("link", name="Getting started (video)")
    expect(video).to_have_attribute("rel", "noopener noreferrer")
    expect(video).to_have_attribute("href", "https://videos.example.com/ap-300/getting-started")
    owner.close()
    assert csp_violations == []
