"""Experience scores: responses in, grouped scores with intervals out, comparisons, keywords."""
