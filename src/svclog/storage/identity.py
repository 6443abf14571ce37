"""How a file is recognised as an svclog journal, and which schema it carries."""

APPLICATION_ID = 0x53564C47  # "SVLG" in the SQLite header's application_id field
SCHEMA_VERSION = 2  # the number of migrations in svclog.storage.schema
