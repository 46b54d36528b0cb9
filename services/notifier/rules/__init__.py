"""Pure decision logic of alert rules: aligned windows, drop/threshold tests, episode steps.

No Flask, SQLAlchemy or HTTP here; the evaluation use case feeds these functions the estimates
metrics returns, and the simulation tests feed them simulated ones.
"""
