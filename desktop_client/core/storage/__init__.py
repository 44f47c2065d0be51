"""SQLite storage: one database file in the data home, WAL, versioned migrations."""
