from django.core.management.base import BaseCommand, CommandError

from articles.importer import find_draft_files, import_draft_file
from articles.models import Author


class Command(BaseCommand):
    help = (
        "Import pipeline drafts (.txt or .json files, or directories of them) as articles "
        "in review. Re-importing a draft does nothing; a bad file is reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="draft files or directories")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish at once instead of sending to review (archive backfill, demo)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )
        parser.add_argument(
            "--origin",
            default="the pipeline",
            help="where the drafts come from, named with the file in each story's first "
            'version (default: "the pipeline")',
        )
        parser.add_argument(
            "--byline",
            action="append",
            default=[],
            metavar="AUTHOR_SLUG",
            dest="bylines",
            help="give every imported article this byline (repeat for more, in order)",
        )

    def handle(self, *, paths, publish, dry_run, bylines, origin, verbosity, **options):
        authors = self.find_authors(bylines)
        files = find_draft_files(paths)
        if not files:
            raise CommandError("No .txt or .json draft files found in " + ", ".join(paths))
        counts = {"new": 0, "known": 0, "failed": 0}
        width = len(str(len(files)))
        for n, path in enumerate(files, start=1):
            outcome = import_draft_file(
                path, authors=authors, publish=publish, dry_run=dry_run, origin=origin
            )
            progress = f"[{n:>{width}}/{len(files)}]"
            if outcome.error:
                counts["failed"] += 1
                self.stderr.write(f"{progress} FAILED: {path} {outcome.error}")
                continue
            counts["new" if outcome.is_new else "known"] += 1
            if verbosity >= 1:
                self.stdout.write(f"{progress} {path}: {self.describe(outcome, publish, dry_run)}")
        verb = "would import" if dry_run else ("published" if publish else "imported")
        summary = (
            f"{counts['new']} {verb}, {counts['known']} already imported, "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise CommandError(summary)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(summary))

    def find_authors(self, slugs):
        found = Author.objects.in_bulk(slugs, field_name="slug")
        if unknown := [slug for slug in slugs if slug not in found]:
            raise CommandError(f"No author with the slug {', '.join(map(repr, unknown))}.")
        return [found[slug] for slug in dict.fromkeys(slugs)]

    def describe(self, outcome, publish, dry_run):
        article = outcome.article
        if not outcome.is_new:
            return f"already imported as {article.headline!r} ({article.get_status_display()})"
        verb = "would import" if dry_run else ("published" if publish else "imported for review")
        notes = "".join(f"; {note}" for note in outcome.notes)
        return f"{verb} {article.headline!r}{notes}"
