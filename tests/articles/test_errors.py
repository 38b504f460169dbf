from django.test import RequestFactory
from django.views.defaults import server_error


def test_500_page_is_standalone_and_friendly():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
