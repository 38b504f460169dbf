"""What a hostile visitor types: numbers in every script and size, dates past the calendar,
markup, SQL, path tricks, and whatever text Hypothesis makes up."""

from hypothesis import strategies as st

EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "+1",
    "1.5",
    "1e9",
    "0x10",
    "٣",
    "²",
    "１２",
    "৭",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    "9" * 40,
    "0000-00-00",
    "1899-12-31",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-W53",
    "null",
    "[]",
    "{}",
    "../..",
    "//evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "\u202e\ufeff",
    "a" * 3000,
]

hostile = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=30),
    st.integers().map(str),
    st.from_regex(r"[0-9]{1,30}", fullmatch=True),
    st.dates().map(str),
    st.from_regex(r"-?[0-9]{1,6}-[0-9]{1,3}(-[0-9]{1,3})?", fullmatch=True),
)

# Every query parameter any page reads, and one that none does.
PARAMETERS = [
    "before",
    "page",
    "q",
    "section",
    "published_from",
    "published_to",
    "comments_page",
    "tab",
    "sort",
    "moderator",
    "article",
    "action",
    "week",
    "next",
    "compare",
    "from",
    "to",
    "utm_source",
]
parameter_names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=10))
query = st.dictionaries(parameter_names, hostile, max_size=4)
