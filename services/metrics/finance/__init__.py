"""Finance use cases: transactions and contracts in; churn, retention and CLV out.

Plain functions, session first, keyword-only arguments, no Flask: the API modules, the worker
and the import command call them.
"""
