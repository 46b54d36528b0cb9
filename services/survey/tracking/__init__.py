"""The Segment-compatible tracking API: messages from CDP SDKs become customers, journey events and
transactions through the same ingestion as ``/v1/events``."""
