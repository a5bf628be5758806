"""Free-text cleaning shared by every module's services."""

import pytest

from governance.core.text import clean_line, clean_text, without_controls


def test_control_characters_go_and_line_endings_become_plain():
    assert without_controls("a\x00b\r\nc\rd\x1f") == "ab\nc\nd"
    assert clean_text("  Riverside\x00 House\r\n  Quay Street \x7f ") == "Riverside House\n  Quay Street"
    assert clean_line(" Dr\tHelen\nMarsh\x0b ") == "Dr Helen Marsh"
    assert clean_text(None) == "" and clean_line(None) == ""


@pytest.mark.usefixtures("any_app")
def test_foundation_records_never_store_a_nul_on_either_database():
    from governance.auth import services as auth_services
    from governance.extensions import db
    from governance.networks import services as network_services

    network = network_services.create_network("River\x00side", "primary_care_home", slug="riverside-nul",
                                               footprint="Valley\x00 towns\r\n")
    user = auth_services.create_user("nul@example.org", "Sam\x00 Whitfield", "a long passphrase")
    network_services.invite(network, "someone@example.org", "observer", user, full_name="Jo\x00 Bloggs")
    db.session.commit()
    assert (network.name, network.footprint, user.full_name) == ("Riverside", "Valley towns", "Sam Whitfield")


def test_unicode_line_breaks_count_as_line_endings_and_bidi_controls_go():
    assert without_controls("a\u2028b\u2029c\x85d") == "a\nb\nc\nd"
    assert clean_line("Riverside\u2028Primary\u2029Care\x85Home") == "Riverside Primary Care Home"
    # right-to-left override and isolates: text that would read differently from what is stored
    assert clean_line("invoice\u202egnp.exe") == "invoicegnp.exe"
    assert clean_line("\u2066Elm\u2069 Tree\u202a\u202b\u202c\u202d") == "Elm Tree"
    assert clean_line("C1 \x80\x9f controls") == "C1  controls"
    assert clean_line("Café — Zoë 😀") == "Café — Zoë 😀"  # ordinary Unicode stays
