"""gunicorn_worker.EpollThreadWorker, served by a real gunicorn with a small WSGI app."""

import contextlib
import http.client
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = """
import os, time
def application(environ, start_response):
    if environ["PATH_INFO"] == "/broken":
        start_response("200 OK", [("Content-Type", "text/plain")])
        def body():
            yield b"half"
            raise RuntimeError("the application failed after the headers")
        return body()
    if environ["PATH_INFO"] == "/sleep":
        time.sleep(float(environ["QUERY_STRING"] or 1))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = (str(os.getpid()) + " " + environ["wsgi.input"].read(length).decode()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""

pytestmark = pytest.mark.skipif(not hasattr(__import__("select"), "epoll"), reason="Linux only")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(tmp_path, *args: str, tls: ssl.SSLContext | None = None):
    """gunicorn with the worker on a free port, one worker unless asked; yields (master, port)."""
    (tmp_path / "app.py").write_text(APP)
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "app:application", "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gunicorn_worker.EpollThreadWorker", "--workers", "1",
        "--graceful-timeout", "5", *args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    log = (tmp_path / "gunicorn.log").open("w")  # a file, not a pipe nobody drains
    master = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                get(port, "/", https(port, tls) if tls else None)
                break
            except OSError:
                assert master.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.1)
        yield master, port
    finally:
        master.terminate()
        try:
            master.wait(10)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
        log.close()


def https(port: int, context: ssl.SSLContext) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, str]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode()


def test_a_connection_is_kept_open_across_requests(tmp_path):
    with serving(tmp_path, "--threads", "2") as (_, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        answers = [get(port, "/", conn) for _ in range(3)]
        first_socket = conn.sock
        answers.append(get(port, "/", conn))
        assert conn.sock is first_socket  # http.client opens a new one if the server closed
        assert {status for status, _ in answers} == {200}
        conn.request("POST", "/", body=b"the body")
        assert conn.getresponse().read().decode().endswith(" the body")


def test_more_connections_than_threads_are_all_served(tmp_path):
    with serving(tmp_path, "--threads", "2") as (_, port):
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(6)]
        for _ in range(5):  # interleaved: each connection waits in epoll between its requests
            for conn in conns:
                assert get(port, "/", conn)[0] == 200


def test_requests_run_in_parallel_on_the_threads(tmp_path):
    with serving(tmp_path, "--threads", "3") as (_, port):
        started = time.monotonic()
        answers = []
        threads = [
            threading.Thread(target=lambda: answers.append(get(port, "/sleep?1"))) for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in answers] == [200, 200, 200]
        assert time.monotonic() - started < 2.5  # one after another would take 3 s


def test_an_idle_connection_is_closed_after_the_keepalive(tmp_path):
    with serving(tmp_path, "--threads", "2", "--keep-alive", "1") as (_, port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 200 and response.read()
        sock.settimeout(5)
        assert sock.recv(4096) == b""  # closed by the server within keep-alive + a sweep
        assert get(port, "/")[0] == 200  # and the worker goes on serving


def test_tls_connections_are_served_and_kept_open(tmp_path):
    """TLS (gunicorn's --certfile): served and kept open; a client that connects and says
    nothing holds no thread (the one thread serves another client meanwhile)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False
    tls = ("--certfile", str(tmp_path / "cert.pem"), "--keyfile", str(tmp_path / "key.pem"))
    with serving(tmp_path, "--threads", "1", *tls, tls=context) as (_, port):
        silent = socket.create_connection(("127.0.0.1", port))  # no handshake: holds no thread
        time.sleep(0.3)
        conn = https(port, context)
        assert get(port, "/", conn)[0] == 200
        first_socket = conn.sock
        assert get(port, "/", conn)[0] == 200
        assert conn.sock is first_socket
        silent.close()


def test_a_bad_request_gets_400_and_the_worker_goes_on(tmp_path):
    with serving(tmp_path, "--threads", "1") as (_, port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")
        assert get(port, "/")[0] == 200


def test_an_error_after_the_headers_closes_that_connection_only(tmp_path):
    with serving(tmp_path, "--threads", "1") as (master, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/broken")
        response = conn.getresponse()
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            response.read()  # gthread's handle() closed the socket itself
        assert get(port, "/")[0] == 200
        master.terminate()
        master.wait(10)
    log = (tmp_path / "gunicorn.log").read_text()
    assert "the application failed after the headers" in log
    assert "Error serving a connection" not in log  # the worker knew it was closed


def test_worker_connections_bound_the_open_connections(tmp_path):
    with serving(tmp_path, "--threads", "1", "--worker-connections", "2") as (_, port):
        silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
        time.sleep(0.3)  # both accepted, neither has sent a request: the worker is full
        third = socket.create_connection(("127.0.0.1", port), timeout=0.7)
        third.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(TimeoutError):
            third.recv(4096)  # not accepted while two are open
        silent[0].close()  # its thread reads the end of the stream and closes it: room again
        third.settimeout(10)
        assert third.recv(4096).startswith(b"HTTP/1.1 200")


def test_shutdown_lets_a_request_in_progress_finish(tmp_path):
    with serving(tmp_path, "--threads", "2") as (master, port):
        answers = []
        request = threading.Thread(target=lambda: answers.append(get(port, "/sleep?1.5")))
        request.start()
        time.sleep(0.5)
        master.send_signal(signal.SIGTERM)
        request.join()
        assert answers and answers[0][0] == 200
        assert master.wait(10) == 0


def test_max_requests_restarts_the_worker_without_losing_a_request(tmp_path):
    with serving(tmp_path, "--threads", "2", "--max-requests", "3") as (_, port):
        answers = [get(port, "/") for _ in range(8)]  # a new connection each
        assert {status for status, _ in answers} == {200}
        assert len({body.split()[0] for _, body in answers}) >= 2  # served by a new worker


def test_a_killed_worker_is_replaced(tmp_path):
    with serving(tmp_path, "--threads", "2") as (_, port):
        worker = int(get(port, "/")[1].split()[0])
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while True:
            try:
                status, body = get(port, "/")
                if int(body.split()[0]) != worker:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "no new worker answered"
            time.sleep(0.1)
        assert status == 200
