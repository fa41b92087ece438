"""Full-text search: French analysis, access rules inside the index query, an outbox that
loses no update, and two backends (Whoosh, PostgreSQL) behind one small interface."""
