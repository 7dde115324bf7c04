"""The govinspect command line (Typer). User-facing text is Chinese."""

from __future__ import annotations

import typer

app = typer.Typer(help="govinspect：政府网站与政务新媒体自查整改工具", no_args_is_help=True, add_completion=False)


@app.command()
def version() -> None:
    """显示版本号。"""
    from govinspect import __version__

    typer.echo(__version__)


def main() -> None:
    app()
