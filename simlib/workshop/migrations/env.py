"""Alembic's environment for the workshop store: run the migrations on the connection the store hands in.

:class:`simlib.workshop.store.Store` upgrades its database when it opens it
(``alembic.command.upgrade`` with the store's open connection in ``config.attributes["connection"]``), so no
``alembic.ini`` is needed at run time. A developer drives Alembic from Python with a URL instead::

    cfg = alembic.config.Config()
    cfg.set_main_option("script_location", str(importlib.resources.files("simlib.workshop") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", "sqlite:////tmp/ws.sqlite")
    alembic.command.check(cfg)        # the tables module and the migrations agree; revision(cfg, autogenerate=True)

Importing this module outside Alembic (pytest's doctest collection does) does nothing.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from simlib.workshop.tables import METADATA


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Migrate the store's connection, or (command line) the database named by ``-x url=…``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=METADATA, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if getattr(context, "config", None) is not None:   # inside Alembic's EnvironmentContext only
    run_migrations()
