from io import StringIO
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from taggit.models import Tag

from articles.models import Article, EditorialEvent, Source
from tests.factories import make_author, make_section

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"
KARPATHY = SAMPLES / "karpathy-joins-anthropic.txt"
NIGHT_BUSES = SAMPLES / "northbridge-night-buses.txt"
CORALS = SAMPLES / "coral-reef-heat-survey.json"


@pytest.fixture
def sections():
    return {slug: make_section(name=slug.title(), slug=slug) for slug in ("ai", "science", "local")}


def write_draft(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def run_import(*paths, **options):
    """Run the command; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing_import(*paths, **options):
    """Run the command expecting a failure; return (stdout, stderr, summary)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue(), str(failure.value)


def assert_body_shows_only_the_story(article):
    assert article.headline not in article.body
    assert article.dek not in article.body
    for chrome in ("No comments yet", "suggestedSection", "imagePrompt", "Sources:", "---"):
        assert chrome not in article.body
        assert chrome not in article.body_html


def test_real_pipeline_text_draft_parses_into_a_clean_article(sections):
    run_import(KARPATHY)
    article = Article.objects.get()
    assert article.headline == "Karpathy Joins Anthropic to Work on Model Pre-Training"
    assert article.dek == (
        "Andrej Karpathy, a founder of OpenAI, moves to Anthropic to help run the large-scale "
        "training that defines Claude’s base capabilities."
    )
    assert article.body.startswith("Andrej Karpathy has joined Anthropic’s pre-training team.")
    assert article.body.endswith("changes the distribution of that specific expertise.")
    assert_body_shows_only_the_story(article)
    assert article.section == sections["ai"]
    assert set(article.tags.names()) == {"andrej-karpathy", "anthropic", "openai"}
    assert article.image_prompt.startswith("Abstract forms of layered data streams")
    assert article.excerpt.startswith("OpenAI co-founder Andrej Karpathy joins Anthropic")
    assert article.sources.count() == 0
    assert article.status == Article.Status.IN_REVIEW
    assert article.published_at is None


def test_text_draft_sources_list_becomes_ordered_sources(sections):
    run_import(NIGHT_BUSES)
    article = Article.objects.get()
    assert article.headline == "Northbridge Approves Year-Long Pilot of Overnight Bus Network"
    assert article.dek.startswith("The city council voted 7–2 to run four night routes")
    assert article.body.startswith("Northbridge will run buses through the night")
    assert_body_shows_only_the_story(article)
    assert article.section == sections["local"]
    assert set(article.tags.names()) == {"northbridge", "public-transport", "city-council"}
    assert article.image_prompt.startswith("A lit city bus at an empty stop at night")
    assert [(s.publisher, s.title, s.url) for s in article.sources.all()] == [
        (
            "Northbridge City Council",
            "Minutes of the regular session, transport item 4",
            "https://council.example.org/minutes/2026-11-17#item-4",
        ),
        (
            "Northbridge Transit Authority",
            "Night network pilot, business case (PDF)",
            "https://transit.example.org/docs/night-network-business-case.pdf",
        ),
        (
            "",
            "Late-shift travel survey, summary of results",
            "https://transit.example.org/surveys/late-shift-2026",
        ),
    ]


def test_json_draft_parses_into_an_article_with_sources(sections):
    run_import(CORALS)
    article = Article.objects.get()
    assert article.headline == "Survey Finds Reef Corals Recovering Faster in Shaded Lagoons"
    assert article.dek.startswith("Researchers mapped 140 reef sites")
    assert article.body.startswith("A survey of 140 reef sites across the western archipelago")
    assert_body_shows_only_the_story(article)
    assert article.section == sections["science"]
    assert set(article.tags.names()) == {"coral-reefs", "climate", "marine-heatwave"}
    assert article.image_prompt.startswith("Underwater view of a coral reef")
    assert article.excerpt.startswith("Corals in shaded lagoons lost half as much cover")
    assert [(s.publisher, s.title) for s in article.sources.all()] == [
        ("Journal of Reef Ecology", "Shaded lagoons as thermal refugia during a marine heatwave"),
        ("Institute for Marine Studies", "Press statement from the survey team"),
        ("Open Ocean Data Archive", "Transect data set"),
    ]


def test_heading_repeat_emphasised_dek_bom_and_crlf_are_understood(tmp_path, sections):
    text = (
        "Tram Line Reopens\n\nThe river crossing is back.\n\n# Tram Line Reopens\n\n"
        "_The river crossing is back._\n\nTrams crossed the river again on Monday.\n\n"
        "---\n\nSources:\n\n- Transit desk: Service notice https://transit.example.org/notice.\n"
        '\n{"suggestedSection": "local", "suggestedTags": ["Public Transport", "Trams"]}\n\n'
        "No comments yet\n"
    )
    draft = tmp_path / "tram.txt"
    draft.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode())
    run_import(draft)
    article = Article.objects.get()
    assert article.headline == "Tram Line Reopens"
    assert article.dek == "The river crossing is back."
    assert article.body == "Trams crossed the river again on Monday."
    assert set(article.tags.names()) == {"public-transport", "trams"}
    source = article.sources.get()
    assert (source.publisher, source.title) == ("Transit desk", "Service notice")
    assert source.url == "https://transit.example.org/notice"


@pytest.mark.parametrize(
    "tail",
    [
        'Sources:\n\n- Wire: Report https://wire.example.org/1\n\n{"suggestedSection": "ai"}',
        '{"suggestedSection": "ai", "sources": [{"title": "Report", "publisher": "Wire", '
        '"url": "https://wire.example.org/1"}]}\n\nNo comments yet',
    ],
    ids=["sources-list", "metadata-only"],
)
def test_sources_and_metadata_never_reach_the_body_even_without_the_rule(tmp_path, sections, tail):
    draft = write_draft(tmp_path, "rule.txt", f"Headline\n\nDek.\n\nThe story.\n\n{tail}\n")
    run_import(draft)
    article = Article.objects.get()
    assert article.body == "The story."
    assert article.section == sections["ai"]
    assert list(article.sources.values_list("publisher", "title")) == [("Wire", "Report")]


def test_sources_listed_twice_are_kept_once(tmp_path):
    draft = write_draft(
        tmp_path,
        "twice.txt",
        "Headline\n\nDek.\n\nBody.\n\n---\n\nSources:\n\n- Wire: Report https://w.example/1\n"
        '\n{"sources": [{"title": "Report", "url": "https://w.example/1"}, '
        '{"title": "Data", "publisher": "Lab", "url": "https://lab.example/d"}]}\n',
    )
    run_import(draft)
    assert list(Source.objects.values_list("title", "url")) == [
        ("Report", "https://w.example/1"),
        ("Data", "https://lab.example/d"),
    ]


@pytest.mark.parametrize(
    ("item", "publisher", "title", "url"),
    [
        ('- "Budget 2027" — City Hall', "City Hall", "Budget 2027", ""),
        ("- Interview with the harbour master", "", "Interview with the harbour master", ""),
        (
            "- Port authority — [Annual report](https://port.example.org/r)",
            "Port authority",
            "Annual report",
            "https://port.example.org/r",
        ),
        (
            "- https://port.example.org/data",
            "",
            "https://port.example.org/data",
            "https://port.example.org/data",
        ),
    ],
)
def test_source_items_take_free_text_and_one_url(tmp_path, item, publisher, title, url):
    draft = tmp_path / "port.txt"
    draft.write_text(f"Port Expands\n\nA dek.\n\nThe body.\n\n---\n\nSources:\n\n{item}\n")
    run_import(draft)
    source = Source.objects.get()
    assert (source.publisher, source.title, source.url) == (publisher, title, url)


def test_unknown_section_is_left_empty_and_reported(tmp_path, sections):
    draft = tmp_path / "gardens.json"
    draft.write_text(
        '{"title": "Gardens open", "body": "They are.", "suggestedSection": "gardening"}'
    )
    out, _ = run_import(draft)
    assert Article.objects.get().section is None
    assert "unknown section 'gardening' left empty" in out


BAD_DRAFTS = [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"\xef\xbb\xbf  \r\n\r\n", "is empty"),
    ("latin1.txt", "Caf\xe9 opens\n\nA dek.\n\nBody.".encode("latin-1"), "is not UTF-8 text"),
    ("broken.json", b'{"title": "Half a draft",', "is broken JSON"),
    ("list.json", b'["Headline", "Body"]', "is not a JSON object but a list"),
    ("untitled.json", b'{"dek": "A dek", "body": "A body."}', 'has no headline: the "title"'),
    ("untitled.txt", b"---\n\nSources:\n", "has no headline"),
    ("bodiless.txt", b"Headline\n\nDek only.\n", "has no body"),
    ("metadata.txt", b'Headline\n\nDek.\n\nBody.\n\n---\n\n{"excerpt": "x",\n', "broken metadata"),
    ("stray.txt", b"Headline\n\nDek.\n\nBody.\n\n---\n\nSee you soon\n", "unexpected text"),
    ("tags.json", b'{"title": "T", "body": "B.", "suggestedTags": "ai"}', '"suggestedTags"'),
    ("number.json", b'{"title": 42, "body": "B."}', '"title" field that is a number'),
    ("source.json", b'{"title": "T", "body": "B.", "sources": [{"url": "nope"}]}', "source 1 url"),
    ("long.txt", ("x" * 300 + "\n\nDek.\n\nBody.").encode(), "headline: Ensure this value"),
    (
        "two-urls.txt",
        b"H\n\nD.\n\nB.\n\n---\n\n- A https://a.example https://b.example\n",
        "2 URLs",
    ),
    ("notes.md", b"# Not a draft", "not a pipeline draft"),
]


@pytest.mark.parametrize(("name", "content", "problem"), BAD_DRAFTS, ids=[b[0] for b in BAD_DRAFTS])
def test_bad_draft_is_named_with_its_problem_and_writes_nothing(tmp_path, name, content, problem):
    path = write_draft(tmp_path, name, content)
    out, err, summary = run_failing_import(path)
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and problem in lines[0]
    assert "1 failed" in summary
    assert not Article.objects.exists()
    assert not Source.objects.exists()
    assert not Tag.objects.exists()


def test_missing_path_is_reported(tmp_path):
    _, err, _ = run_failing_import(tmp_path / "nowhere.txt")
    assert "nowhere.txt cannot be read" in err


def test_one_bad_file_does_not_stop_the_others(tmp_path, sections):
    write_draft(tmp_path, "a-broken.json", b"{")
    write_draft(tmp_path, "b-good.json", b'{"title": "Good draft", "body": "Fine."}')
    out, err, summary = run_failing_import(tmp_path)
    assert Article.objects.get().headline == "Good draft"
    assert "a-broken.json is broken JSON" in err
    assert summary == "1 imported, 0 already imported, 1 failed."


def test_command_exits_non_zero_when_a_file_fails(tmp_path, capsys):
    bad = write_draft(tmp_path, "bad.json", b"[]")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_articles", str(bad)]).execute()
    assert exit_.value.code == 1
    assert "bad.json is not a JSON object" in capsys.readouterr().err


def test_command_exits_zero_when_every_file_imports(sections, capsys):
    ManagementUtility(["manage.py", "import_articles", str(SAMPLES)]).execute()
    assert "3 imported, 0 already imported, 0 failed." in capsys.readouterr().out


def test_reimporting_drafts_changes_nothing(tmp_path, sections):
    run_import(SAMPLES)
    before = list(Article.objects.values_list("pk", "headline", "modified_at"))
    # The same draft with other line endings is still the same draft.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(NIGHT_BUSES.read_bytes().replace(b"\n", b"\r\n"))
    out, _ = run_import(SAMPLES, copy)
    assert list(Article.objects.values_list("pk", "headline", "modified_at")) == before
    assert Source.objects.count() == 6
    assert out.count("already imported as") == 4
    assert "0 imported, 4 already imported, 0 failed." in out


def test_dry_run_reports_and_writes_nothing(sections):
    out, _ = run_import(SAMPLES, dry_run=True)
    assert not Article.objects.exists()
    assert not Source.objects.exists()
    assert not Tag.objects.exists()
    assert "would import 'Karpathy Joins Anthropic to Work on Model Pre-Training'" in out
    assert "3 would import, 0 already imported, 0 failed." in out


def test_dry_run_still_reports_bad_files(tmp_path):
    write_draft(tmp_path, "bad.json", b"")
    _, err, _ = run_failing_import(tmp_path, dry_run=True)
    assert "bad.json is empty" in err


def test_imported_drafts_wait_in_review_unseen_by_readers(client, sections):
    run_import(NIGHT_BUSES)
    article = Article.objects.get()
    assert article.status == Article.Status.IN_REVIEW
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.headline not in client.get("/").content.decode()
    # The desk's audit log shows the system filed it.
    event = EditorialEvent.objects.get(article=article)
    assert (event.action, event.actor, event.to_state) == ("submit", None, "in_review")


def test_publish_makes_drafts_visible_on_the_site_at_once(client, sections, now):
    make_author(slug="ada")
    out, _ = run_import(NIGHT_BUSES, CORALS, bylines=["ada"], publish=True)
    assert "2 published" in out
    for article in Article.objects.all():
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == article.first_published_at >= now
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert page.content.decode().count(f"{article.headline}</h1>") == 1
        actions = EditorialEvent.objects.filter(article=article).values_list("action", flat=True)
        assert sorted(actions) == ["approve", "publish", "submit"]
    assert "Northbridge Approves Year-Long Pilot" in client.get("/").content.decode()


def test_publish_runs_the_desks_publish_checks(sections):
    make_author(slug="ada")
    _, err, summary = run_failing_import(KARPATHY, NIGHT_BUSES, publish=True, bylines=["ada"])
    assert "karpathy-joins-anthropic.txt cannot be published without a source with a URL" in err
    assert summary == "1 published, 0 already imported, 1 failed."
    assert Article.objects.get().headline.startswith("Northbridge Approves")


def test_publish_refuses_a_draft_without_section_or_byline(tmp_path):
    draft = write_draft(tmp_path, "stray.json", b'{"title": "Stray", "body": "B."}')
    _, err, _ = run_failing_import(draft, publish=True)
    assert "cannot be published without dek, section," in err
    assert not Article.objects.exists()
    assert not EditorialEvent.objects.exists()


def test_publish_refuses_a_draft_failing_the_publish_checks(sections):
    make_author(slug="ada")
    _, err, _ = run_failing_import(KARPATHY, bylines=["ada"], publish=True)
    assert "cannot be published without a source with a URL; import it for review" in err
    assert not Article.objects.exists()


def test_imports_are_in_the_audit_log_as_the_systems(sections):
    make_author(slug="ada")
    run_import(NIGHT_BUSES, bylines=["ada"], publish=True)
    run_import(CORALS)
    log = EditorialEvent.objects.order_by("pk").values_list("actor", "action", "to_state")
    assert list(log) == [
        (None, "submit", "in_review"),
        (None, "approve", "approved"),
        (None, "publish", "published"),
        (None, "submit", "in_review"),
    ]


def test_bylines_are_given_in_order(sections):
    reporters = [make_author(slug="ada"), make_author(slug="grace")]
    run_import(NIGHT_BUSES, bylines=["grace", "ada"], publish=True)
    assert Article.objects.get().byline_authors == [reporters[1], reporters[0]]


def test_unknown_byline_stops_before_anything_is_imported(sections):
    _, _, summary = run_failing_import(SAMPLES, bylines=["nobody"])
    assert summary == "No author with the slug 'nobody'."
    assert not Article.objects.exists()


def test_dry_run_runs_the_publish_checks_too(tmp_path):
    draft = write_draft(tmp_path, "stray.json", b'{"title": "Stray", "body": "B."}')
    _, err, _ = run_failing_import(draft, publish=True, dry_run=True)
    assert "cannot be published without dek, section," in err


def test_large_directories_show_progress(tmp_path):
    for n in range(12):
        write_draft(tmp_path, f"draft-{n:02}.json", f'{{"title": "Draft {n}", "body": "B."}}')
    out, _ = run_import(tmp_path)
    assert "[ 1/12]" in out and "[12/12]" in out
    assert Article.objects.count() == 12


def test_directory_without_drafts_is_an_error(tmp_path):
    (tmp_path / "readme.md").write_text("nothing here")
    _, _, summary = run_failing_import(tmp_path)
    assert "No .txt or .json draft files found" in summary


def test_version_one_of_an_imported_story_says_where_it_came_from(sections, admin_client):
    run_import(KARPATHY)
    run_import(NIGHT_BUSES, origin="the demo")
    karpathy = Article.objects.get(section__slug="ai").revisions.get()
    buses = Article.objects.get(section__slug="local").revisions.get()
    assert (karpathy.number, karpathy.created_by) == (1, None)
    assert karpathy.author_name == "the pipeline, from karpathy-joins-anthropic.txt"
    assert buses.author_name == "the demo, from northbridge-night-buses.txt"
    page = admin_client.get(karpathy.get_absolute_url()).content.decode()
    assert "the pipeline, from karpathy-joins-anthropic.txt" in page
    assert "Someone" not in page
