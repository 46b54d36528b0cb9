"""Delivery channels: email, Slack incoming webhooks and signed webhooks, plus URL safety."""
