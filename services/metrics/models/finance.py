"""Transactions, contracts and CLV fits (finance)."""
