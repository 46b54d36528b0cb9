"""The finance pages' shaping: cohorts and their charts (retention), CLV tables, exports and the holdout chart."""
