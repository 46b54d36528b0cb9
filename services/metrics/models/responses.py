"""Copies of survey responses received from the survey service."""
