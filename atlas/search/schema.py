"""The index's database objects, for SQLite (FTS5) and PostgreSQL (weighted tsvector + GIN).

Triggers on the post, post-tag and tag tables keep `search_document` in step with the posts, in
the same transaction as the change. `install()` runs from the migration and again after every
`migrate` (apps.py): SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Text search configurations of PostgreSQL, by the publication's language code.
PG_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

# The columns of SQLite's two FTS5 tables: `search_fts` has every post's whole text (staff, and
# readers who may read every post); `search_public_fts` only the text any reader may read, so a
# reader's query needs no column filter (one makes FTS5 read the positions of every match).
FTS5_COLUMNS = ("title", "subtitle", "tags", "body", "gated_body")
PUBLIC_FTS5_COLUMNS = FTS5_COLUMNS[:4]
FTS5_TABLES = ("search_fts", "search_public_fts")

_BODY = "CASE WHEN new.visibility = 'public' THEN new.body ELSE '' END"
_GATED = "CASE WHEN new.visibility = 'public' THEN '' ELSE new.body END"
_TAGS_OF = (
    "(SELECT coalesce(group_concat(t.name, ' '), '') FROM publishing_tag t "
    "JOIN publishing_post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = {post})"
)

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, subtitle, tags, body, gated_body,
        content='search_document', content_rowid='post_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_public_fts USING fts5(
        title, subtitle, tags, body,
        content='search_document', content_rowid='post_id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_document_public_inserted
    AFTER INSERT ON search_document
    BEGIN
        INSERT INTO search_public_fts(rowid, title, subtitle, tags, body)
        VALUES (new.post_id, new.title, new.subtitle, new.tags, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_public_deleted
    AFTER DELETE ON search_document
    BEGIN
        INSERT INTO search_public_fts(search_public_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.post_id, old.title, old.subtitle, old.tags, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_public_updated
    AFTER UPDATE ON search_document
    BEGIN
        INSERT INTO search_public_fts(search_public_fts, rowid, title, subtitle, tags, body)
        VALUES ('delete', old.post_id, old.title, old.subtitle, old.tags, old.body);
        INSERT INTO search_public_fts(rowid, title, subtitle, tags, body)
        VALUES (new.post_id, new.title, new.subtitle, new.tags, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_inserted AFTER INSERT ON search_document
    BEGIN
        INSERT INTO search_fts(rowid, title, subtitle, tags, body, gated_body)
        VALUES (new.post_id, new.title, new.subtitle, new.tags, new.body, new.gated_body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_deleted AFTER DELETE ON search_document
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body, gated_body)
        VALUES ('delete', old.post_id, old.title, old.subtitle, old.tags, old.body,
                old.gated_body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_updated AFTER UPDATE ON search_document
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, subtitle, tags, body, gated_body)
        VALUES ('delete', old.post_id, old.title, old.subtitle, old.tags, old.body,
                old.gated_body);
        INSERT INTO search_fts(rowid, title, subtitle, tags, body, gated_body)
        VALUES (new.post_id, new.title, new.subtitle, new.tags, new.body, new.gated_body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_post_inserted AFTER INSERT ON publishing_post
    BEGIN
        INSERT INTO search_document(post_id, title, subtitle, tags, body, gated_body)
        VALUES (new.id, new.title, new.subtitle, {_TAGS_OF.format(post="new.id")}, {_BODY},
                {_GATED});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_post_updated
    AFTER UPDATE OF title, subtitle, body, visibility ON publishing_post
    BEGIN
        UPDATE search_document SET title = new.title, subtitle = new.subtitle, body = {_BODY},
            gated_body = {_GATED}
        WHERE post_id = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_post_deleted AFTER DELETE ON publishing_post
    BEGIN
        DELETE FROM search_document WHERE post_id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_post_tag_added AFTER INSERT ON publishing_post_tags
    BEGIN
        UPDATE search_document SET tags = {_TAGS_OF.format(post="new.post_id")}
        WHERE post_id = new.post_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_post_tag_removed AFTER DELETE ON publishing_post_tags
    BEGIN
        UPDATE search_document SET tags = {_TAGS_OF.format(post="old.post_id")}
        WHERE post_id = old.post_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_tag_renamed AFTER UPDATE OF name ON publishing_tag
    BEGIN
        UPDATE search_document SET tags = {_TAGS_OF.format(post="search_document.post_id")}
        WHERE post_id IN (SELECT post_id FROM publishing_post_tags WHERE tag_id = new.id);
    END""",
]

# PostgreSQL keeps the weighted tsvectors in their own narrow table, stored uncompressed in the
# row (toast_tuple_target, STORAGE MAIN): checking a phrase, or ranking, reads one heap row per
# post instead of fetching and decompressing a TOASTed value. `full_vector` (public and gated
# text) is NULL for a public post, whose `public_vector` is its whole text.
PG_INDEXES = ("search_vector_title", "search_vector_public", "search_vector_full")
_PG_CONFIG_CASES = " ".join(
    f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in PG_CONFIGS.items()
)
_PG_TAGS_OF = (
    "(SELECT coalesce(string_agg(t.name, ' '), '') FROM publishing_tag t "
    "JOIN publishing_post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = {post})"
)
_PG_TITLE = (
    "setweight(to_tsvector({config}, {row}.title), 'A') || "
    "setweight(to_tsvector({config}, {row}.subtitle || ' ' || {row}.tags), 'B')"
)
_PG_TEXT = "setweight(to_tsvector({config}, left({row}.{column}, 500000)), 'C')"


def pg_vectors_select(config: str, row: str, documents: str = "") -> str:
    """`SELECT` of (post_id, title_vector, public_vector, full_vector) of the document `row`
    (of the table `documents`, if given: "search_document AS d,")."""
    title = _PG_TITLE.format(config=config, row=row)
    body = _PG_TEXT.format(config=config, row=row, column="body")
    gated = _PG_TEXT.format(config=config, row=row, column="gated_body")
    return f"""SELECT {row}.post_id, vectors.title, vectors.public,
            CASE WHEN {row}.gated_body = '' THEN NULL ELSE vectors.public || {gated} END
        FROM {documents} LATERAL (SELECT titles.title, titles.title || {body} AS public
                      FROM (SELECT {title} AS title) AS titles) AS vectors"""


POSTGRESQL = [
    "ALTER TABLE search_document DROP COLUMN IF EXISTS public_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS full_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_vector",
    """CREATE TABLE IF NOT EXISTS search_vector (
        post_id bigint PRIMARY KEY REFERENCES search_document (post_id) ON DELETE CASCADE,
        title_vector tsvector NOT NULL,
        public_vector tsvector NOT NULL,
        full_vector tsvector
    ) WITH (toast_tuple_target = 8160)""",
    "ALTER TABLE search_vector ALTER title_vector SET STORAGE MAIN, "
    "ALTER public_vector SET STORAGE MAIN, ALTER full_vector SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS search_vector_title ON search_vector USING gin (title_vector)",
    "CREATE INDEX IF NOT EXISTS search_vector_public ON search_vector USING gin (public_vector)",
    "CREATE INDEX IF NOT EXISTS search_vector_full ON search_vector USING gin (full_vector)",
    f"""CREATE OR REPLACE FUNCTION atlas_search_config() RETURNS regconfig
    LANGUAGE sql STABLE AS $$
        SELECT CASE split_part(coalesce(
            (SELECT language FROM publishing_publication ORDER BY id LIMIT 1), 'en'), '-', 1)
        {_PG_CONFIG_CASES} ELSE 'simple'::regconfig END
    $$""",
    f"""CREATE OR REPLACE FUNCTION search_document_vectors() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE config regconfig := atlas_search_config();
    BEGIN
        INSERT INTO search_vector AS v (post_id, title_vector, public_vector, full_vector)
        {pg_vectors_select("config", "NEW")}
        ON CONFLICT (post_id) DO UPDATE SET title_vector = excluded.title_vector,
            public_vector = excluded.public_vector, full_vector = excluded.full_vector;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS search_document_vectors ON search_document",
    """CREATE TRIGGER search_document_vectors AFTER INSERT OR UPDATE ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_document_vectors()""",
    f"""CREATE OR REPLACE FUNCTION search_post_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM search_document WHERE post_id = OLD.id;
            RETURN OLD;
        END IF;
        INSERT INTO search_document AS d (post_id, title, subtitle, tags, body, gated_body)
        VALUES (NEW.id, NEW.title, NEW.subtitle, {_PG_TAGS_OF.format(post="NEW.id")},
            {_BODY.replace("new.", "NEW.")}, {_GATED.replace("new.", "NEW.")})
        ON CONFLICT (post_id) DO UPDATE SET title = excluded.title,
            subtitle = excluded.subtitle, body = excluded.body,
            gated_body = excluded.gated_body;
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS search_post_changed ON publishing_post",
    """CREATE TRIGGER search_post_changed
    AFTER INSERT OR DELETE OR UPDATE OF title, subtitle, body, visibility ON publishing_post
    FOR EACH ROW EXECUTE FUNCTION search_post_changed()""",
    f"""CREATE OR REPLACE FUNCTION search_post_tags_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE changed_post bigint;
    BEGIN
        IF TG_TABLE_NAME = 'publishing_tag' THEN
            UPDATE search_document d SET tags = {_PG_TAGS_OF.format(post="d.post_id")}
            WHERE d.post_id IN (SELECT post_id FROM publishing_post_tags WHERE tag_id = NEW.id);
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN changed_post := OLD.post_id; ELSE changed_post := NEW.post_id;
        END IF;
        UPDATE search_document SET tags = {_PG_TAGS_OF.format(post="changed_post")}
        WHERE post_id = changed_post;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS search_post_tags_changed ON publishing_post_tags",
    """CREATE TRIGGER search_post_tags_changed AFTER INSERT OR DELETE ON publishing_post_tags
    FOR EACH ROW EXECUTE FUNCTION search_post_tags_changed()""",
    "DROP TRIGGER IF EXISTS search_tag_renamed ON publishing_tag",
    """CREATE TRIGGER search_tag_renamed AFTER UPDATE OF name ON publishing_tag
    FOR EACH ROW EXECUTE FUNCTION search_post_tags_changed()""",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",  # `<->`, the trigram distance of "did you mean"
    # Its GIN index served `word % x` over the whole vocabulary, no longer asked; the planner
    # took it even for `word IN (...)`, reading the pending list a bulk insert leaves (~70 ms).
    "DROP INDEX IF EXISTS search_word_trigram",
]


def copy_posts(connection: BaseDatabaseWrapper, first_id: int, last_id: int) -> None:
    """Index the posts with ids in [first_id, last_id] (reindex, and the first migration)."""
    tags = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO search_document (post_id, title, subtitle, tags, body, gated_body)
            SELECT p.id, p.title, p.subtitle,
                coalesce((SELECT {tags}(t.name, ' ') FROM publishing_tag t
                          JOIN publishing_post_tags pt ON pt.tag_id = t.id
                          WHERE pt.post_id = p.id), ''),
                CASE WHEN p.visibility = 'public' THEN p.body ELSE '' END,
                CASE WHEN p.visibility = 'public' THEN '' ELSE p.body END
            FROM publishing_post p WHERE p.id BETWEEN %s AND %s""",
            [first_id, last_id],
        )


def copy_vectors(
    connection: BaseDatabaseWrapper, config: str, first_id: int = 0, last_id: int = 2**62
) -> None:
    """PostgreSQL: make the vectors of the documents with post ids in [first_id, last_id] in
    one statement (reindex, migration)."""
    select = pg_vectors_select("%s::regconfig", "d", "search_document AS d,")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_vector (post_id, title_vector, public_vector, full_vector) "
            f"{select} WHERE d.post_id BETWEEN %s AND %s",
            [*[config] * select.count("%s"), first_id, last_id],
        )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create what is missing (idempotent)."""
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (and SQLite's FTS5 tables: `install` makes them again, empty)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for trigger, table in [
                ("search_post_changed", "publishing_post"),
                ("search_post_tags_changed", "publishing_post_tags"),
                ("search_tag_renamed", "publishing_tag"),
            ]:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            return
        for trigger in [
            "search_post_inserted", "search_post_updated", "search_post_deleted",
            "search_post_tag_added", "search_post_tag_removed", "search_tag_renamed",
            "search_document_inserted", "search_document_deleted", "search_document_updated",
            "search_document_public_inserted", "search_document_public_deleted",
            "search_document_public_updated",
        ]:  # fmt: skip
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table in FTS5_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
