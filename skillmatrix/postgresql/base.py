"""Django's PostgreSQL backend, with a health check that costs no round trip while the connection is sound.

With CONN_HEALTH_CHECKS, Django asks a kept connection "SELECT 1" before the first query
of every request: one more round trip on every request that queries, a comment post's
fourth. A kept connection is idle between requests and has nothing to read, unless the
server has closed it (a restart, an idle timeout): then its socket reads as ready, at
end of file. So the check asks the socket first, without waiting, and runs Django's
query only when there is something to read.

It also starts the embedded PostgreSQL (skillmatrix/embedded_db.py) when it first connects to it,
rather than settings starting it at import: a process that never queries never starts it.
"""

import select

from django.db.backends.postgresql import base, client


def _join_embedded_server(settings_dict: dict) -> None:
    if settings_dict.get("EMBEDDED_DB_DIR") and not settings_dict["HOST"]:
        from skillmatrix import embedded_db

        settings_dict["HOST"] = embedded_db.socket_dir()


class DatabaseClient(client.DatabaseClient):
    def runshell(self, parameters):
        _join_embedded_server(self.connection.settings_dict)
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def get_connection_params(self) -> dict:
        # Every connection starts here: Django's own, the pool's, the revision listener's and the test
        # database's creation (through a copy of these settings).
        _join_embedded_server(self.settings_dict)
        return super().get_connection_params()

    def is_usable(self) -> bool:
        """Fast path for Django's query ("SELECT 1"), asked only when the socket has something to read.

        tests/skillmatrix/test_db_backend.py puts connections in each state a kept one can be in and compares the two.
        """
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            if not poller.poll(0):
                return True
        except (OSError, ValueError):
            return False
        return super().is_usable()
