"""The embedded broker (config.broker): a message is delivered once and leaves the file."""

from __future__ import annotations

import sqlite3

from kombu import Connection, Exchange, Queue

import config.broker  # noqa: F401  (registers the transport)


def test_messages_are_delivered_in_order_and_deleted_when_taken(tmp_path):
    path = tmp_path / "broker.sqlite3"
    queue = Queue("q", Exchange("q"), "q")
    with Connection(f"sqlite-queue+sqlite:///{path}",
                    transport_options={"polling_interval": 0.01}) as conn:  # fmt: skip
        producer = conn.Producer()
        for n in range(5):
            producer.publish({"n": n}, exchange=queue.exchange, routing_key="q", declare=[queue])
        got = []
        with conn.Consumer(queue, callbacks=[lambda body, msg: (got.append(body["n"]), msg.ack())]):
            while len(got) < 5:
                conn.drain_events(timeout=2)
    assert got == [0, 1, 2, 3, 4]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (0,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
