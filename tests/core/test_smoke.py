def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_dashboard_for_member(client, login_as):
    login_as("board_secretary")
    response = client.get("/n/riverside-test/")
    assert response.status_code == 200
    assert b"Riverside Test Network" in response.data
