"""The secure HTTP layer every API client goes through."""
