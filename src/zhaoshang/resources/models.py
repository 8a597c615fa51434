"""Resources on offer (issue 19)."""
