"""Customer-facing content per language: the office writes care tips, return conditions, link
titles, FAQ entries and fault-code meanings in the other shipped languages; the product's public
page shows the visitor's language, else the company's text (field by field), escaped, with the
translations of the whole page read in one query. Too long or hostile input is refused with its
message, and nothing typed is lost."""
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.forms.catalog import ModelTranslationsForm
from fieldapp.models import FaultCode, Role
from fieldapp.models.catalog import ContentTranslation
from fieldapp.services import content

DUTCH_TIPS = "Ontkalk elke maand.\nHoud de ventilatie vrij."


def public(app, asset, lang: str | None = None) -> str:
    """The product's page as a customer (no session) reads it."""
    response = app.test_client().get(f"/a/{asset.qr_token}" + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def translations(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(ContentTranslation.kind, ContentTranslation.record_id, ContentTranslation.field,
                   ContentTranslation.language, ContentTranslation.text).order_by(ContentTranslation.id))]


def test_dutch_care_tips_for_a_dutch_visitor_and_the_default_text_for_german(app, client, dispatcher, make):
    model = make.product_model(care_tips="Descale monthly.\nKeep the vents free.",
                               return_conditions="Unused, in the box.", return_window_days=30)
    asset = make.asset(product_model=model, sales_date=make.today())

    response = client.post(f"/catalog/models/{model.id}/translations",
                           data={"care_tips__nl": DUTCH_TIPS, "return_conditions__nl": "Ongebruikt, in de doos.",
                                 "care_tips__de": "", "return_conditions__de": ""})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/catalog/models/{model.id}#model-translations")
    assert translations(app) == [
        ("product_model", model.id, "care_tips", "nl", DUTCH_TIPS),
        ("product_model", model.id, "return_conditions", "nl", "Ongebruikt, in de doos.")]
    dutch = public(app, asset, "nl")
    assert "<li>Ontkalk elke maand.</li><li>Houd de ventilatie vrij.</li>" in dutch
    assert "Descale monthly." not in dutch and "Ongebruikt, in de doos." in dutch
    german = public(app, asset, "de")  # nothing written in German: the company's text
    assert "<li>Descale monthly.</li><li>Keep the vents free.</li>" in german and "Ontkalk" not in german
    assert "Unused, in the box." in german
    assert "Ontkalk" not in public(app, asset)  # English by default
    # The office sees what it wrote, in the model's Translations section.
    page = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)
    assert 'id="model-translations"' in page and "Ontkalk elke maand." in page and 'lang="nl"' in page


def test_faq_and_link_titles_in_the_visitors_language_field_by_field(app, client, dispatcher, make):
    model = make.product_model()
    entry = make.faq_entry(model, question="Is it loud?", answer="No, 40 dB.")
    resource = make.product_resource(model, title="User manual")
    asset = make.asset(product_model=model)

    assert client.post(f"/catalog/models/{model.id}/faq/{entry.id}/translations",
                       data={"question__nl": "Is hij luid?", "answer__nl": ""}).status_code == 303
    assert client.post(f"/catalog/models/{model.id}/resources/{resource.id}/translations",
                       data={"title__nl": "Handleiding", "title__es": "Manual de usuario"}).status_code == 303

    dutch = public(app, asset, "nl")
    assert "<summary>Is hij luid?</summary>" in dutch and "No, 40 dB." in dutch  # no Dutch answer: the default
    assert ">Handleiding</a>" in dutch
    assert ">Manual de usuario</a>" in public(app, asset, "es")
    assert "<summary>Is it loud?</summary>" in public(app, asset, "de")


def test_a_script_written_as_a_translation_stays_escaped(app, client, dispatcher, make):
    model = make.product_model()
    entry = make.faq_entry(model)
    asset = make.asset(product_model=model)

    client.post(f"/catalog/models/{model.id}/translations",
                data={"care_tips__nl": "<script>alert(1)</script>"})
    client.post(f"/catalog/models/{model.id}/faq/{entry.id}/translations",
                data={"question__nl": '<b hx-get="/admin">Vraag?</b>', "answer__nl": "<script>alert(2)</script>"})

    html = public(app, asset, "nl")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script>alert" not in html and 'hx-get="/admin"' not in html
    office = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)
    assert "<script>alert" not in office


def test_a_too_long_translation_is_refused_with_its_message_and_nothing_is_lost(app, client, dispatcher, make):
    model = make.product_model()
    entry = make.faq_entry(model)
    too_long = "x" * 2001

    response = client.post(f"/catalog/models/{model.id}/translations",
                           data={"care_tips__nl": too_long, "return_conditions__nl": "Kept conditions"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write at most 2000 characters (this has 2001)." in html
    assert "Kept conditions" in html and too_long in html  # what was typed comes back
    assert '<details class="translations" id="model-translations" open' in html
    assert translations(app) == []

    question = client.post(f"/catalog/models/{model.id}/faq/{entry.id}/translations",
                           data={"question__nl": "v" * 301})
    assert question.status_code == 422 and "Write at most 300 characters (this has 301)." in question.get_data(
        as_text=True)
    assert translations(app) == []


def test_control_characters_are_refused(app, client, dispatcher, make):
    model = make.product_model()
    response = client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__nl": "Tip\x00"})
    assert response.status_code == 422 and translations(app) == []


def test_no_input_for_the_companys_own_language(app, client, dispatcher, make):
    """English is the company's: its text is the record's own, so no English translation is
    offered, and one sent anyway is not stored."""
    model = make.product_model()
    page = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)
    assert 'name="care_tips__nl"' in page and 'name="care_tips__zh_Hans"' in page
    assert 'name="care_tips__en"' not in page

    client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__en": "Sneaky"})
    assert translations(app) == []


def test_emptying_a_translation_removes_it_and_removing_records_removes_theirs(app, client, dispatcher, make):
    model = make.product_model()
    entry = make.faq_entry(model)
    resource = make.product_resource(model)
    client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__nl": "Tip"})
    client.post(f"/catalog/models/{model.id}/faq/{entry.id}/translations", data={"question__nl": "Vraag?"})
    client.post(f"/catalog/models/{model.id}/resources/{resource.id}/translations", data={"title__nl": "Titel"})
    assert len(translations(app)) == 3

    client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__nl": "  "})
    assert [row[0] for row in translations(app)] == ["faq_entry", "product_resource"]

    client.post(f"/catalog/models/{model.id}/faq/{entry.id}/remove")
    assert [row[0] for row in translations(app)] == ["product_resource"]
    client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__nl": "Tip"})
    assert client.post(f"/catalog/models/{model.id}/remove").status_code == 303
    assert translations(app) == []


def test_technicians_cannot_translate(client, auth, make):
    model = make.product_model()
    auth.as_role(Role.TECHNICIAN)
    assert client.post(f"/catalog/models/{model.id}/translations", data={"care_tips__nl": "x"}).status_code == 403


def test_the_public_page_reads_every_translation_in_one_query(app, client, dispatcher, make, count_queries):
    def page_queries(faq_count: int) -> int:
        model = make.product_model()
        for _unused in range(faq_count):
            entry = make.faq_entry(model)
            client.post(f"/catalog/models/{model.id}/faq/{entry.id}/translations", data={"question__nl": "Vraag?"})
            client.post(f"/catalog/models/{model.id}/resources/{make.product_resource(model).id}/translations",
                        data={"title__nl": "Titel"})
        asset = make.asset(product_model=model)
        visitor = app.test_client()
        visitor.get(f"/a/{asset.qr_token}?lang=nl")  # the same warm-up for both
        with count_queries() as counter:
            html = visitor.get(f"/a/{asset.qr_token}").get_data(as_text=True)
        assert html.count("<summary>Vraag?</summary>") == faq_count
        return counter.count

    assert page_queries(1) == page_queries(6)
    with app.app_context():
        assert db.session.scalar(select(func.count(ContentTranslation.id))) == 14


def test_fault_code_meanings_per_language(app, client, auth, make):
    code = make.fault_code(label="No heating")
    auth.as_role(Role.ADMIN)

    page = client.get(f"/admin/fault-codes/{code.id}").get_data(as_text=True)
    assert 'name="label__de"' in page
    assert client.post(f"/admin/fault-codes/{code.id}/translations",
                       data={"label__de": "Keine Heizung"}).status_code == 303
    refused = client.post(f"/admin/fault-codes/{code.id}/translations", data={"label__de": "x" * 121})
    assert refused.status_code == 422 and "Write at most 120 characters (this has 121)." in refused.get_data(
        as_text=True)

    with app.test_request_context("/?lang=de"):
        row = db.session.get(FaultCode, code.id)
        assert content.localized(row, "label") == "Keine Heizung"
    with app.test_request_context("/?lang=nl"):
        assert content.localized(db.session.get(FaultCode, code.id), "label") == "No heating"


def test_the_form_has_an_input_per_shipped_language():
    names = {name for name in ModelTranslationsForm.__dict__ if "__" in name and not name.startswith("_")}
    assert {"care_tips__nl", "care_tips__de", "care_tips__es", "care_tips__zh_Hans",
            "return_conditions__nl"} <= names
