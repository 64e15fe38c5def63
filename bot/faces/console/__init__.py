"""The operator console: server-rendered pages under ``/console/`` for the groups' chat admins.

Login needs no password: an admin gets a one-time link (``quntag console-link MEMBER``, or the ``/console``
chat command through :meth:`ConsoleLogins.issue`) and the link opens a session cookie. ``routes.add_routes``
mounts everything on the server; ``access`` decides who sees which group; ``overview`` builds the data that
the overview page and ``GET /api/overview`` share; ``charts`` draws SVG on the server.
"""

from bot.faces.console.auth import ConsoleLogins
from bot.faces.console.routes import add_routes

__all__ = ["ConsoleLogins", "add_routes"]
