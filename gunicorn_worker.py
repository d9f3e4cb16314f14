"""A gunicorn worker whose threads take ready connections straight from epoll.

gunicorn's gthread worker waits for requests in its main thread and hands each one to a thread
pool: every request costs two thread wake-ups, a Future, and a pass of the main loop's
bookkeeping (heartbeat, keep-alive sweep, a scan of the pending futures), all under the GIL the
request threads need. Profiled under eight concurrent coders, that main thread held the GIL a
third of the time (issue 20).

Here every thread of the worker waits on the worker's one epoll. Each connection is registered
EPOLLONESHOT, so the kernel hands a ready connection to exactly one waiting thread, which serves
the request itself and re-arms the connection (the leader/followers pattern): no hand-off, no
Future. The main thread only beats the heartbeat and closes keep-alive connections idle longer
than `keepalive` (it shuts the socket down; the thread that sees the end of the stream closes
it, so only the thread that owns a connection ever closes it). How a request is read, answered
and kept alive (`max_requests`, `worker_connections`, graceful shutdown) is gthread's own code.

epoll is Linux's: gunicorn.conf.py uses gthread where it is missing. The module sits beside
gunicorn.conf.py, not in `config`: gunicorn's master imports it, and importing the `config`
package loads the Celery app (30 MiB more in the master).
"""

from __future__ import annotations

import contextlib
import errno
import select
import socket
import sys
import threading
import time

from gunicorn.workers import base, gthread

READY = select.EPOLLIN | select.EPOLLONESHOT if hasattr(select, "epoll") else 0
TICK_S = 1.0  # heartbeat and idle sweep period; threads check `alive` as often
DRAIN_S = 0.2  # on the way out, threads serve what is ready until nothing has been for this long


class EpollThreadWorker(gthread.ThreadWorker):
    def init_process(self) -> None:
        self._lock = threading.Lock()
        self._conns: dict[int, gthread.TConn] = {}
        self._keep = set()  # idle keep-alive connections (gthread's handle_request counts them)
        self._paused: list = []  # listeners not re-armed while worker_connections are open
        self._epoll = select.epoll()
        base.Worker.init_process(self)  # loads the application, then calls run()

    def handle_quit(self, sig, frame) -> None:
        self.alive = False
        self.cfg.worker_int(self)
        time.sleep(0.1)
        sys.exit(0)

    def run(self) -> None:
        self._listeners = {}
        for listener in self.sockets:
            listener.setblocking(False)
            self._listeners[listener.fileno()] = listener
            self._epoll.register(listener.fileno(), READY)
        threads = [
            threading.Thread(target=self._serve, daemon=True) for _ in range(self.cfg.threads)
        ]
        for thread in threads:
            thread.start()
        while self.alive:
            self.notify()
            if not self.is_parent_alive():
                break
            self._shut_idle()
            time.sleep(TICK_S)
        self.alive = False
        deadline = time.monotonic() + self.cfg.graceful_timeout
        for thread in threads:  # requests in progress finish
            thread.join(max(0.0, deadline - time.monotonic()))

    def _serve(self) -> None:
        """Serve ready connections; once the worker stops, those already ready or accepted
        still are (a connection accepted just before max_requests ended the worker, say)."""
        while True:
            events = self._epoll.poll(TICK_S if self.alive else DRAIN_S, 1)
            if not events and not self.alive:
                return
            for fd, _ in events:
                try:
                    if fd in self._listeners:
                        self._accept(self._listeners[fd])
                    else:
                        self._serve_connection(fd)
                except Exception:
                    self.log.exception("Error serving a connection")

    def _accept(self, listener) -> None:
        """Take one connection (the other workers, woken too, take the next ones). A worker
        on its way out leaves the listener disarmed: the next worker takes what waits."""
        if not self.alive:
            return
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
        else:
            conn = gthread.TConn(self.cfg, sock, client, listener.getsockname())
            with self._lock:
                self._conns[conn.sock.fileno()] = conn
                self.nr_conns += 1
            self._epoll.register(conn.sock.fileno(), READY)
        finally:
            with self._lock:
                if self.alive and self.nr_conns < self.worker_connections:
                    self._epoll.modify(listener.fileno(), READY)
                elif self.alive:
                    self._paused.append(listener)

    def _serve_connection(self, fd: int) -> None:
        with self._lock:
            conn = self._conns[fd]
            self._keep.discard(conn)
        keepalive = False
        try:
            if not conn.initialized:  # as gthread: blocking, TLS and parser once data came
                conn.init()
            keepalive, _ = self.handle(conn)
        finally:
            if keepalive and self.alive:
                conn.set_timeout()
                with self._lock:
                    self._keep.add(conn)
                self._epoll.modify(fd, READY)
            else:
                self._close(fd, conn)

    def _close(self, fd: int, conn: gthread.TConn) -> None:
        with self._lock:
            if self._conns.get(fd) is conn:  # (the number may be another connection's already)
                del self._conns[fd]
            self._keep.discard(conn)
            self.nr_conns -= 1
            while self._paused and self.alive:
                self._epoll.modify(self._paused.pop().fileno(), READY)
        if conn.sock.fileno() != -1:  # else gthread's handle() closed it on an error: epoll
            self._epoll.unregister(fd)  # forgot it then; here, before the number is reused
            conn.close()

    def _shut_idle(self) -> None:
        now = time.time()
        with self._lock:
            idle = [conn for conn in self._keep if conn.timeout <= now]
            for conn in idle:
                self._keep.discard(conn)
                with contextlib.suppress(OSError):  # readable now: its thread closes it
                    conn.sock.shutdown(socket.SHUT_RDWR)
