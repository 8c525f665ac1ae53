"""Serve a Flask app on a real socket so a browser can reach it.

The rule: browser tests talk HTTP to the same app object the test configured, served by Werkzeug's
threaded server on 127.0.0.1 and a port the kernel picks (port 0), so parallel runs never collide.
The socket is bound and listening before ``__enter__`` returns, so the first request cannot race the
server start; ``__exit__`` shuts the loop down and closes the socket. This is what pytest-flask's
``live_server`` and Django's ``LiveServerTestCase`` do, without a separate process, so the test and
the server share one database configuration.
"""

from __future__ import annotations

import threading
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, make_server

_SHUTDOWN_TIMEOUT_SECONDS = 10


class LiveServer:
    """Run ``app`` in a daemon thread for the duration of a ``with`` block; ``.url`` is its base URL."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        """Prepare to serve ``app`` (any WSGI app, normally a Flask app) on ``host`` and a free port."""
        self.app = app
        self.host = host
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the kernel assigned."""
        if self._server is None:
            raise RuntimeError("The live server is not running.")
        return self._server.server_port

    @property
    def url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:43817``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Bind the socket and start serving in a daemon thread."""
        self._server = make_server(self.host, 0, self.app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"live-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the serve loop, close the socket and wait for the thread; safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(_SHUTDOWN_TIMEOUT_SECONDS)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        """Start serving and return self."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop serving, whatever happened in the block."""
        self.stop()
