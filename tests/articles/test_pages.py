import zoneinfo
from datetime import UTC, datetime

import pytest
from django.utils import dateformat, timezone

from articles.pages import STYLES, address, shown_date


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_reader_dates_read_as_django_formats_them(settings, zone, style):
    settings.TIME_ZONE = zone
    for month in range(1, 13):
        moment = datetime(2026, month, 28, 23, 59, tzinfo=UTC)
        local = timezone.localtime(moment, zoneinfo.ZoneInfo(zone))
        assert shown_date(moment, style) == {
            "iso": local.isoformat(timespec="seconds"),
            "text": dateformat.format(local, style),
        }


def test_addresses_are_the_ones_reverse_makes():
    from django.urls import reverse

    assert address("articles:article", "reef-survey") == reverse(
        "articles:article", args=["reef-survey"]
    )
    assert address("comments:report", 42) == reverse("comments:report", args=[42])
