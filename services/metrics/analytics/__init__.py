"""Journey analytics: key drivers of an outcome and explanations of a score's change (issue 18)."""
