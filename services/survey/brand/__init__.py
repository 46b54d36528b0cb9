"""The organisation's brand: stored settings with defaults, and the logo (re-encoded PNG or JPEG)."""
