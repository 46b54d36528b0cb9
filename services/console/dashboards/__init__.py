"""The dashboards' shared pieces: the filter bar, chart building in the person's language, and the
view models of the home page, the survey summary and the scores explorer (pages stay thin)."""
