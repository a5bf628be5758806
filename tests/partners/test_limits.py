"""Work bounded by input size: every algorithm over what people send is linear or capped. Each test
feeds one its worst case and checks the refusal or the fallback (the outcome, not the time)."""

import pytest

from governance.core import tenancy
from governance.core.errors import ServiceError
from governance.partners import imports, services
from governance.partners.models import NAME_KEY_LENGTH, name_key
from tests import factories


@pytest.fixture
def scoped(app, network):
    tenancy.activate(network.id)
    yield network
    tenancy.activate(None)


def problems(preview) -> str:
    return " ".join(message for message, _ in preview.problems)


def test_a_header_of_100000_columns_is_refused_at_once(scoped):
    """200 KB of headings: the repeated-heading check used to count each heading in the whole row."""
    text = ",".join(["n"] * 100_000) + "\n"
    assert len(text) < imports.MAX_BYTES
    preview = imports.preview_import(scoped, "partners", text)
    assert not preview.is_valid and preview.rows == []
    assert "Row 1 has 100,000 columns. A file can have at most 50 columns" in problems(preview)


def test_a_row_of_too_many_columns_is_refused_wherever_it_is(scoped):
    text = "name,kind\nA,Other\n" + "x," * 60 + "\n"
    assert "Row 3 has 61 columns" in problems(imports.preview_import(scoped, "partners", text))


def test_fifty_columns_of_repeated_headings_are_read_and_named(scoped):
    text = ",".join(["name"] * 25 + ["kind"] * 25) + "\nA,Other\n"
    assert "Column headings used more than once: kind, name" in problems(imports.preview_import(scoped, "partners",
                                                                                              text))


def test_a_huge_value_is_refused(scoped):
    text = "name,kind,notes\nA,Other," + "n" * (imports.MAX_BYTES - 40) + "\n"
    assert "Row 2 has a value longer than 5,000 characters" in problems(imports.preview_import(scoped, "partners",
                                                                                             text))


def test_more_rows_than_the_limit_are_refused_without_reading_on(scoped):
    text = "name,kind\n" + "\n".join(f"P{n},Other" for n in range(imports.MAX_ROWS + 500)) + "\n"
    preview = imports.preview_import(scoped, "partners", text)
    assert "more than 1,000 rows" in problems(preview) and preview.rows == []


def test_an_unclosed_quote_is_reported_as_such_not_read_to_the_end(scoped):
    text = 'name,kind\nA,Other\n"B,Other\n' + "C,Other\n" * 900
    assert ('Row 3 has a quote mark (") that is never closed' in
            problems(imports.preview_import(scoped, "partners", text)))


def test_text_longer_than_any_file_we_accept_is_refused(scoped):
    text = "name,kind\n" + "A,Other\n" * (imports.MAX_BYTES // 8 + 10)
    assert "The file must be smaller than 200 KB" in problems(imports.preview_import(scoped, "partners", text))


@pytest.mark.parametrize(("field", "worst", "message"), [
    # The email and website patterns backtrack on these: the length is checked before the pattern runs.
    ("email", "a@" + "." * (imports.MAX_CELL - 3) + "@", "Email address must be 254 characters or fewer"),
    ("website", "http://a" + "." * (imports.MAX_CELL - 9) + " ", "Website must be 300 characters or fewer"),
])
def test_backtracking_patterns_never_see_more_than_a_fields_length(field, worst, message):
    with pytest.raises(ServiceError) as raised:
        if field == "email":
            services.clean_contact({"name": "Jo", "email": worst})
        else:
            services.normalise_website(worst)
    assert [p.message for p in getattr(raised.value, "problems", [raised.value])] == [message]


def test_worst_case_values_in_an_import_row_are_refused_by_name(scoped):
    email = "a@" + "." * 4_000 + "@"
    text = f"name,kind,contact_name,contact_email,website\nA,Other,Jo,{email},http://a{'.' * 4000} \n"
    found = problems(imports.preview_import(scoped, "partners", text))
    assert "Email address must be 254 characters or fewer" in found
    assert "Website must be 300 characters or fewer" in found


def test_the_name_key_is_bounded_whatever_the_name_expands_to():
    assert len(name_key("\ufdfa" * 200)) == NAME_KEY_LENGTH  # one character, 18 after NFKC


def test_search_text_is_cut_to_100_characters(scoped):
    factories.make_partner(scoped, name="Oak Lane Surgery")
    statement = services.partners_query(search="Oak " + "x" * 10_000)
    assert "x" * 101 not in str(statement.compile(compile_kwargs={"literal_binds": True}))
