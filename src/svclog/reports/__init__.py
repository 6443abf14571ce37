"""Loyalty statuses, scoreboards, recovery breakdowns and trends: pure functions over domain
objects, testable without a database. Imports core only."""
