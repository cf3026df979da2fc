"""A real local HTTP server for tests of outgoing HTTP adapters (gateways, registries, providers)."""

import sys
from http.server import ThreadingHTTPServer


class LocalHTTPServer(ThreadingHTTPServer):
    """Quiet about clients that hang up (timeout tests do that on purpose); loud about the rest."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]
