"""The embedded Celery broker: kombu's SQLAlchemy transport on a SQLite file, made sturdier.

`make run` uses it when REDIS_URL is not set: no server to install, one file under var/celery/.
Changes to kombu's transport (measured and why in docs: "Jobs under faults"):

* a message is deleted when a worker takes it, not kept for ever as invisible, so the file
  stays small; a message a worker had taken when it died is not restored by the broker (Redis
  restores it after its visibility timeout), the sweeper sends its item again instead, and a
  task rejected because its pool process died is put back by the worker itself;
* a failed write raises instead of dropping the message silently, so the sender knows;
* the file is in WAL mode and waits out other processes' write locks;
* the worker waits at most 0.1 s for a message before it acknowledges finished tasks
  (Celery's loop for such transports waits 2 s, which held it at 1 task/s);
* `polling_interval` in the transport options is the channel's (kombu's passes every option
  to SQLAlchemy's create_engine, which refuses it).

Registered with kombu as the `sqlite-queue` transport: `CELERY_BROKER_URL =
"sqlite-queue+sqlite:///path/broker.sqlite3"`.
"""

from __future__ import annotations

from json import dumps, loads
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqla
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, event, text

ALIAS = "sqlite-queue"
_CHANNEL_OPTIONS = ("polling_interval", "queue_tablename", "message_tablename")
_KOMBU_RETRY_OPTIONS = (
    "callback", "errback", "max_retries", "interval_start", "interval_step", "interval_max",
    "retry_errors", "visibility_timeout", "socket_connect_timeout", "socket_timeout",
)  # fmt: skip


class Channel(kombu_sqla.Channel):
    def _engine_from_config(self):
        options = dict(self.connection.client.transport_options)
        for name in (*_CHANNEL_OPTIONS, *_KOMBU_RETRY_OPTIONS):
            options.pop(name, None)
        engine = create_engine(self.connection.client.hostname, **options)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _put(self, queue, payload, **kwargs):
        session = self.session
        session.add(self.message_cls(dumps(payload), self._get_or_create(queue)))
        try:
            session.commit()
        except Exception:
            session.rollback()
            raise

    def _get(self, queue):
        queue_obj = self._get_or_create(queue)
        session = self.session
        if session.bind.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        message = self.message_cls
        try:
            msg = (
                session.query(message)
                .with_for_update()
                .filter(message.queue_id == queue_obj.id, message.visible.is_(True))
                .order_by(message.sent_at, message.id)
                .first()
            )
            if msg is None:
                raise Empty()
            payload = msg.payload
            session.delete(msg)
            return loads(bytes_to_str(payload))
        finally:
            session.commit()


class Transport(kombu_sqla.Transport):
    Channel = Channel
    drain_timeout = 0.03

    def drain_events(self, connection, timeout=None):
        """Wait at most `drain_timeout` seconds for a message.

        Celery's loop for transports like this one acknowledges finished tasks between two
        waits, and waits up to 2 s; a task finished meanwhile holds its prefetch slot that
        long, which capped the worker at one task per slot and 2 s (1 item/s).
        """
        return super().drain_events(
            connection, timeout=min(timeout or self.drain_timeout, self.drain_timeout)
        )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
