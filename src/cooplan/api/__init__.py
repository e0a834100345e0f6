"""The HTTP API and the web app of the federation platform: see :func:`create_app`."""

from cooplan.api.app import create_app

__all__ = ["create_app"]
