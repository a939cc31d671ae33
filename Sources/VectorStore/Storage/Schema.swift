import GRDB

/// The SQLite schema, as named migrations applied in order. A shipped migration is never
/// edited; changes come as new ones.
enum Schema {
    static let defaultTenant = "default_tenant"
    static let defaultDatabase = "default_database"
    static let defaultDatabaseID = "00000000-0000-0000-0000-000000000000"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-collections-and-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tenants (
                        name TEXT PRIMARY KEY NOT NULL
                    );
                    CREATE TABLE databases (
                        id TEXT PRIMARY KEY NOT NULL,
                        tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        UNIQUE (tenant, name)
                    );
                    CREATE TABLE collections (
                        key INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        database_id TEXT NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        metadata TEXT,
                        configuration TEXT NOT NULL,
                        space TEXT NOT NULL,
                        dimension INTEGER,
                        UNIQUE (database_id, name)
                    );
                    -- seq is the insertion order: get returns records in it, and ties in
                    -- search are broken by it.
                    CREATE TABLE records (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        collection INTEGER NOT NULL REFERENCES collections(key) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        embedding BLOB NOT NULL,
                        document TEXT,
                        uri TEXT,
                        metadata TEXT,
                        UNIQUE (collection, id)
                    );
                    CREATE INDEX records_by_collection ON records(collection);
                    -- Substring search over documents: a trigram index answers $contains
                    -- without scanning every document.
                    CREATE VIRTUAL TABLE documents_fts USING fts5(
                        document, content='records', content_rowid='seq',
                        tokenize='trigram case_sensitive 1'
                    );
                    CREATE TRIGGER records_document_insert AFTER INSERT ON records
                    WHEN new.document IS NOT NULL BEGIN
                        INSERT INTO documents_fts(rowid, document) VALUES (new.seq, new.document);
                    END;
                    CREATE TRIGGER records_document_delete AFTER DELETE ON records
                    WHEN old.document IS NOT NULL BEGIN
                        INSERT INTO documents_fts(documents_fts, rowid, document)
                        VALUES ('delete', old.seq, old.document);
                    END;
                    CREATE TRIGGER records_document_update AFTER UPDATE OF document ON records BEGIN
                        INSERT INTO documents_fts(documents_fts, rowid, document)
                        SELECT 'delete', old.seq, old.document WHERE old.document IS NOT NULL;
                        INSERT INTO documents_fts(rowid, document)
                        SELECT new.seq, new.document WHERE new.document IS NOT NULL;
                    END;
                    """)
            try db.execute(sql: "INSERT INTO tenants(name) VALUES (?)", arguments: [defaultTenant])
            try db.execute(
                sql: "INSERT INTO databases(id, tenant, name) VALUES (?, ?, ?)",
                arguments: [defaultDatabaseID, defaultTenant, defaultDatabase])
        }
        migrator.registerMigration("v2-documents-indexed-per-batch") { db in
            // Indexing each inserted document from a trigger costs twice as much as one
            // INSERT … SELECT per write transaction, which the write path now does.
            try db.execute(sql: "DROP TRIGGER records_document_insert")
        }
        migrator.registerMigration("v3-collection-lineage") { db in
            // The collection a fork was copied from, traced to the first one (NULL: not a fork).
            try db.execute(sql: "ALTER TABLE collections ADD COLUMN lineage TEXT")
        }
        migrator.registerMigration("v4-collection-schema") { db in
            // Chroma's collection schema as JSON; NULL for collections made before it: their
            // schema is the default one resolved from their configuration when read.
            try db.execute(sql: "ALTER TABLE collections ADD COLUMN schema TEXT")
        }
        migrator.registerMigration("v5-collection-revision") { db in
            // A random stamp every write of a collection's records changes: the rows files on disk
            // are used only while they carry the stamp SQLite holds. Existing collections get a
            // fresh one, so no file written before the migration can match.
            try db.execute(
                sql: """
                    ALTER TABLE collections ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                    UPDATE collections SET revision = random();
                    """)
        }
        return migrator
    }
}
