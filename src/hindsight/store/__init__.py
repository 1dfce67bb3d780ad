"""The store: SQLite or PostgreSQL through SQLAlchemy 2 Core, the only package that imports it.

engine.py        create_engine(url): WAL + foreign keys on SQLite, psycopg on PostgreSQL
migrate.py       upgrade(engine): Alembic migrations, applied on start and by `db upgrade`
tables.py        the schema as SQLAlchemy `Table`s (the migrations create exactly this)
records.py       the stored values (frozen dataclasses, no SQLAlchemy in them)
mapping.py       explicit row ⇄ value functions
event_values.py  events as the plain tuples the bulk insert writes (pure)
repositories.py  queries per aggregate, on one connection (events: event_repository.py;
                 postmortems: postmortem_repository.py; tokens: tokens.py; web sessions:
                 sessions.py; chat names: chat_names.py)
unit_of_work.py  one transaction per use case
"""
