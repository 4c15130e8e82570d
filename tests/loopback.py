"""A real uvicorn server on 127.0.0.1 (a free port) in a thread, for the tests about HTTP,
configured as `twosms-contract mock` serves (`mockserver.serving.config`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from mockserver.serving import config as serving_config


@contextmanager
def served(app: Any, *, http: str = "auto") -> Iterator[str]:
    """Serve `app` while the block runs (`http`: uvicorn's protocol, "auto", "httptools" or
    "h11"); yields its base URL."""
    config = serving_config(app, host="127.0.0.1", port=0, log_level="error", http=http)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(3000):  # up to 30 s on a loaded machine
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
