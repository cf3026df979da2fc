from django.test import Client


def test_wrong_method_is_a_json_405_with_allow(db: None) -> None:
    response = Client().delete("/api/v1/offices")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_unknown_api_path_is_a_json_404(db: None) -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_pages_outside_the_api_are_left_alone(db: None) -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
