"""Charts as Vega-Lite specs: one module per chart kind, the same spec drawn in the browser and as PNG.

Every builder takes plain rows (``ChartRow``: a value with its interval and n) and the words of the
reader's language (``ChartText``), and returns a Vega-Lite spec (a dict) that draws the interval of
every estimate, puts n in the tooltip and fades the cells below the minimum sample, with a label.
The console embeds the spec as JSON for the browser bundle of vl-convert; emails render it to PNG
with ``shared.charts.png.render_png``. Nothing here knows Flask or a service.
"""

from shared.charts.rows import ChartRow, ChartText, rows_of_estimates
from shared.charts.specs_compare import comparison_spec, forest_spec
from shared.charts.specs_levels import distribution_spec
from shared.charts.specs_trend import sparkline_spec, trend_spec

__all__ = ["ChartRow", "ChartText", "rows_of_estimates", "trend_spec", "sparkline_spec", "forest_spec",
           "comparison_spec", "distribution_spec"]
