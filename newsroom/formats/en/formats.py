"""The newsroom's one way of writing dates and times, on the site and at the desk alike.

Times are 24-hour and carry the newsroom's zone (settings.TIME_ZONE) by name, so "17:40 UTC"
never appears beside "5:40 p.m.". Templates name these (`|date:"SHORT_DATETIME_FORMAT"`)
rather than spelling formats out; the admin uses them for every date it shows.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
