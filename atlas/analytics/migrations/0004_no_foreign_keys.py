"""Analytics points into no other app's tables: email opens and clicks now belong to delivery
(its migration 0003 renamed the tables and copied the settings), and daily page and newsletter
stats name their post and newsletter by id. Every row is kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_countries"),
        ("delivery", "0003_email_tracking"),
    ]

    operations = [
        # Delivery owns these tables now: forget them here, without touching the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EmailEvent"),
                migrations.DeleteModel(name="EmailLink"),
            ],
            database_operations=[],
        ),
        migrations.DeleteModel(name="AnalyticsSettings"),
        # A post's daily stats: the foreign key becomes a plain id, in the same column.
        migrations.RemoveIndex(model_name="dailypagestats", name="analytics_d_post_id_5626be_idx"),
        migrations.AlterField(
            model_name="dailypagestats",
            name="post",
            field=models.PositiveBigIntegerField(blank=True, null=True, db_column="post_id"),
        ),
        migrations.RenameField(model_name="dailypagestats", old_name="post", new_name="post_id"),
        migrations.AlterField(
            model_name="dailypagestats",
            name="post_id",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, help_text="The post this path showed, when it was an article."
            ),
        ),
        migrations.AddIndex(
            model_name="dailypagestats",
            index=models.Index(fields=["post_id", "day"], name="analytics_page_post_day"),
        ),
        # A newsletter's daily stats: the same.
        migrations.RemoveConstraint(model_name="dailynewsletterstats", name="one_daily_newsletter"),
        migrations.AlterField(
            model_name="dailynewsletterstats",
            name="newsletter",
            field=models.PositiveBigIntegerField(db_column="newsletter_id"),
        ),
        migrations.RenameField(
            model_name="dailynewsletterstats", old_name="newsletter", new_name="newsletter_id"
        ),
        migrations.AlterField(
            model_name="dailynewsletterstats",
            name="newsletter_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="dailynewsletterstats",
            constraint=models.UniqueConstraint(fields=("day", "newsletter_id"), name="one_daily_newsletter"),
        ),
    ]
