"""Django's PostgreSQL backend, with a health check that costs no round trip while the connection is sound.

With CONN_HEALTH_CHECKS, Django asks a kept connection "SELECT 1" before the first query
of every request: one more round trip on every request that queries, a comment post's
fourth. A kept connection is idle between requests and has nothing to read, unless the
server has closed it (a restart, an idle timeout): then its socket reads as ready, at
end of file. So the check asks the socket first, without waiting, and runs Django's
query only when there is something to read.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Fast path for Django's query ("SELECT 1"), asked only when the socket has something to read.

        tests/test_db_backend.py puts connections in each state a kept one can be in and compares the two.
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
