from governance.extensions import db
from governance.mous import services
from tests.mous.conftest import sign
BASE = "/n/riverside-test/mous"

def test_counts(client, login_as, count_queries, network, issued, parties, signatories, secretary):
    login_as("board_secretary")
    paths = ["", "/draft", "/versions/1", "/issue", "/compare", "/versions/1/wet-ink"]
    def measure():
        out = {}
        for p in paths:
            with count_queries() as c:
                r = client.get(f"{BASE}/{issued.id}{p}")
            out[p] = (r.status_code, c.count)
        return out
    a = measure()
    for i in range(3):
        services.add_clause(issued, f"Extra {i}", "text")
        services.add_comment(issued, issued.clauses[i], "hello", secretary.user)
        services.issue_version(network, issued, secretary.user, "1.1.1.1")
    sign(network, services.get_version(issued, issued.issued_count), signatories[0])
    db.session.commit()
    b = measure()
    for p in paths:
        print(p, a[p], b[p])
