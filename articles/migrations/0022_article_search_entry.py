# SQLite's FTS5 search table, made after every migrate by articles/apps.py; Django only reads it.

import articles.models
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_role_permissions_for_corrections_and_previews'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleSearchEntry',
            fields=[
                ('article', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='articles.article')),
                ('document', articles.models.FullTextMatchField(db_column='articles_article_fts')),
                ('rank', models.FloatField()),
            ],
            options={
                'db_table': 'articles_article_fts',
                'managed': False,
            },
        ),
    ]
