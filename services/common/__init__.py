"""The framework kit the three services share: config, database, auth, errors, observability, outbox, worker.

It imports no service; each service passes in what is its own (its metadata, its jobs, its handlers).
"""
