"""Enterprise liaison (issue 19)."""
