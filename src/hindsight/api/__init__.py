"""The REST API and webhook receivers: thin routes over the services.

problems.py    the one error shape (application/problem+json)
auth.py        token → principal with a role; `require(role)` for every route
signatures.py  webhook verification per source, on the raw bytes
middleware.py  body limits, the last-resort 500, metrics and request logs
routes/        incidents, postmortems, tokens, hooks, operations
"""
