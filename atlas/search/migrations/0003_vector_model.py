"""`search_vector` (created on PostgreSQL by 0002's raw SQL) known to Django as a model, so that
emptying the database truncates it together with `search_document`, which it references. Nothing
changes in the database."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0002_public_text_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchVector",
                    fields=[
                        (
                            "document",
                            models.OneToOneField(
                                db_column="post_id",
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="search.searchdocument",
                            ),
                        ),
                        ("title_vector", django.contrib.postgres.search.SearchVectorField()),
                        ("public_vector", django.contrib.postgres.search.SearchVectorField()),
                        (
                            "full_vector",
                            django.contrib.postgres.search.SearchVectorField(null=True),
                        ),
                    ],
                    options={"db_table": "search_vector"},
                ),
            ],
            database_operations=[],
        ),
    ]
