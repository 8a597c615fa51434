"""The bureau's review of double claims and the investors flagged for it (issue 17)."""
