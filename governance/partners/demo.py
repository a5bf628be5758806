"""Demo partners: Riverside's five practices (about 42,000 patients) and partners; Northgate's own."""

from datetime import date

from governance.core import tenancy
from governance.partners import services
from governance.partners.models import MembershipStatus, PartnerKind

GP = PartnerKind.GP_PRACTICE
APRIL_2025, APRIL_2026, OCTOBER_2026 = date(2025, 4, 1), date(2026, 4, 1), date(2026, 10, 1)

# key, name, kind, ODS code, address, joined, list sizes [(as of, patients)], contact
RIVERSIDE = [
    ("quayside", "Quayside Surgery", GP, "A81002", "14 Harbour Road, Riverside RV2 3EF", APRIL_2025,
     [(APRIL_2025, 9_050), (APRIL_2026, 9_210), (OCTOBER_2026, 9_340)],
     ("Dr Anika Shah", "Managing partner", "anika.shah@quayside.example", "01632 960 210")),
    ("millstream", "Millstream Health Centre", GP, "A81003", "Millstream Lane, Upper Riverside RV4 1GH",
     APRIL_2025, [(APRIL_2025, 8_400), (APRIL_2026, 8_560), (OCTOBER_2026, 8_610)],
     ("Karen Doyle", "Practice manager", "karen.doyle@millstream.example", "01632 960 345")),
    ("harbour_lane", "Harbour Lane Practice", GP, "A81004", "2 Harbour Lane, Riverside RV2 5JK", APRIL_2025,
     [(APRIL_2025, 7_480), (APRIL_2026, 7_590), (OCTOBER_2026, 7_650)],
     ("Dr Ben Oduya", "GP partner", "ben.oduya@harbourlane.example", "01632 960 478")),
    ("valley_view", "Valley View Surgery", GP, "A81005", "Valley Road, Lower Riverside RV5 2LM",
     date(2025, 10, 1), [(date(2025, 7, 1), 5_420), (APRIL_2026, 5_560), (OCTOBER_2026, 5_600)],
     ("Sue Marsh", "Practice manager", "sue.marsh@valleyview.example", "01632 960 512")),
    ("mental_health_trust", "Riverside and Vale Mental Health NHS Foundation Trust",
     PartnerKind.MENTAL_HEALTH_TRUST, "RW5", "Vale House, Riverside RV3 8NP", APRIL_2025, [],
     ("Grace Ito", "Associate director, community mental health", "grace.ito@rvmh.example", "01632 961 100")),
    ("social_care", "Riverside Borough Council Adult Social Care", PartnerKind.LOCAL_AUTHORITY, None,
     "Town Hall, Riverside RV1 1AA", APRIL_2025, [],
     ("Daniel Price", "Head of adult social care", "daniel.price@riverside-council.example", "01632 962 000")),
    ("voluntary", "Riverside Community Voluntary Service", PartnerKind.VOLUNTARY_SECTOR, None,
     "The Old Library, Riverside RV1 3QR", APRIL_2025, [],
     ("Fatima Noor", "Chief officer", "fatima@riversidecvs.example", "01632 962 300")),
    ("pharmacy", "Quay Pharmacy", PartnerKind.COMMUNITY_PHARMACY, "FQ123", "9 Quay Street, Riverside RV1 2AC",
     date(2025, 10, 1), [],
     ("Raj Mehta", "Superintendent pharmacist", "raj@quaypharmacy.example", "01632 962 410")),
    ("icb", "NHS Riverside and Vale Integrated Care Board", PartnerKind.COMMISSIONER, "QRV",
     "Vale Point, Riverside RV6 1ST", APRIL_2025, [],
     ("Helen Carter", "Head of primary care commissioning", "helen.carter@rvicb.example", "01632 963 000")),
]
FOUNDATION = {  # the two partners governance/demo.py created: their history and contacts
    "practice": (APRIL_2025, [(APRIL_2025, 10_820), (APRIL_2026, 10_950), (OCTOBER_2026, 10_800)],
                 ("Dr Helen Marsh", "Senior partner", "helen.marsh@riversidemc.example", "01632 960 101")),
    "trust": (APRIL_2025, [], ("Mark Ellison", "Director of community services", "mark.ellison@rch.example",
                               "01632 961 000")),
}
NORTHGATE = [
    ("northgate_surgery", "Northgate Surgery", GP, "B82001", "1 North Street, Northgate NG1 1AB",
     date(2024, 7, 1), [(date(2024, 7, 1), 11_600), (APRIL_2026, 12_040)],
     ("Dr Omar Farouk", "Clinical director", "omar.farouk@northgate-surgery.example", "01632 970 100")),
    ("northgate_millbrook", "Millbrook Medical Practice", GP, "B82002", "Millbrook Green, Northgate NG3 4CD",
     date(2024, 7, 1), [(date(2024, 7, 1), 10_350), (APRIL_2026, 10_480)],
     ("Lucy Evans", "Practice manager", "lucy.evans@millbrook.example", "01632 970 200")),
    ("northgate_family", "Northgate Family Practice", GP, "B82003", "22 Station Road, Northgate NG2 6EF",
     date(2024, 7, 1), [(date(2024, 7, 1), 9_700), (APRIL_2026, 9_820)],
     ("Dr Sam Patel", "GP partner", "sam.patel@northgatefamily.example", "01632 970 300")),
    ("northgate_federation", "North Vale GP Federation", PartnerKind.GP_FEDERATION, "Y05393",
     "Federation House, Northgate NG1 9GH", date(2024, 7, 1), [],
     ("Chris Bell", "Operations director", "chris.bell@northvalefed.example", "01632 970 400")),
    ("northgate_pharmacy", "Northgate Pharmacy", PartnerKind.COMMUNITY_PHARMACY, "FN456",
     "5 North Street, Northgate NG1 1AC", APRIL_2025, [],
     ("Priti Desai", "Pharmacist", "priti@northgatepharmacy.example", "01632 970 500")),
]


def _contact(partner, contact) -> None:
    name, job_title, email, phone = contact
    services.add_contact(partner, {"name": name, "job_title": job_title, "email": email, "phone": phone})


def _add(demo, network, entries) -> None:
    for key, name, kind, ods_code, address, joined, sizes, contact in entries:
        first = sizes[0] if sizes else (None, None)
        partner = services.create_partner(network, {
            "name": name, "kind": kind.value, "ods_code": ods_code, "address": address,
            "status": MembershipStatus.ACTIVE.value, "status_from": joined,
            "list_size": first[1], "list_size_as_of": first[0]}, None)
        for as_of, patients in sizes[1:]:
            services.record_list_size(partner, patients, as_of, None)
        _contact(partner, contact)
        demo.partners[key] = partner


def _complete_foundation_partners(demo) -> None:
    for key, (joined, sizes, contact) in FOUNDATION.items():
        partner = demo.partners[key]
        services.record_status_change(partner, MembershipStatus.ACTIVE, joined, None,
                                      decision_reference="Board minute 2025/03")
        for as_of, patients in sizes:
            services.record_list_size(partner, patients, as_of, None)
        _contact(partner, contact)


def seed(demo) -> None:
    """Riverside: 5 practices (42,000 patients) and 7 other partners; Northgate: 3 practices and 2 others."""
    tenancy.activate(demo.riverside.id)
    _complete_foundation_partners(demo)
    _add(demo, demo.riverside, RIVERSIDE)
    valley_view = demo.partners["valley_view"]
    services.record_status_change(valley_view, MembershipStatus.PROSPECTIVE, date(2025, 7, 1), None,
                                  note="Applied to join in June 2025")
    tenancy.activate(demo.northgate.id)
    _add(demo, demo.northgate, NORTHGATE)
    tenancy.activate(None)
