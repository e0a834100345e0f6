"""``cooplan serve``: run the federation platform (web app and API) with uvicorn."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.table import Table

from cooplan.cli.output import console
from cooplan.examples import example_folder

DEFAULT_DEMO_FOLDER = example_folder("federation")


def serve_platform(
    host: str = "127.0.0.1",
    port: int = 8000,
    database: str | None = None,
    demo: bool = False,
    demo_folder: Path = DEFAULT_DEMO_FOLDER,
) -> None:
    """Serve the web app and the API; with ``demo``, first load the sample federation."""
    import uvicorn

    from cooplan.api import create_app
    from cooplan.services.demo import load_demo
    from cooplan.services.settings import Settings
    from cooplan.store.db import open_database
    from cooplan.store.migrate import upgrade_database

    url = database
    if demo and url is None:
        folder = Path(tempfile.mkdtemp(prefix="cooplan-demo-"))
        url = f"sqlite:///{folder / 'demo.db'}"
    settings = Settings.from_environment(url)
    application = create_app(url, settings=settings)
    if demo:
        upgrade_database(url)
        db = open_database(url)
        try:
            people = load_demo(db, settings, demo_folder)
        finally:
            db.dispose()
        table = Table(title="Demo accounts (for this demo only)")
        for column in ("username", "password", "coop", "roles"):
            table.add_column(column)
        for p in people:
            table.add_row(
                p.username, p.password, p.coop_id or "", ", ".join(r.value for r in p.roles)
            )
        console.print(table)
        console.print(f"database: {url}")
    console.print(f"cooplan platform on http://{host}:{port}/  (API docs: /docs)")
    uvicorn.run(application, host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        database: str = typer.Option(
            None,
            "--database",
            help="Database URL (default: $COOPLAN_DATABASE_URL, else sqlite:///cooplan.db).",
        ),
        demo: bool = typer.Option(
            False, "--demo", help="Load the sample federation with demo accounts (printed)."
        ),
        demo_folder: Path = typer.Option(
            DEFAULT_DEMO_FOLDER, help="Economy folder the demo loads."
        ),
    ) -> None:
        """Serve the web app and the API (OpenAPI at /docs and /openapi.json)."""
        serve_platform(host, port, database, demo, demo_folder)
