"""What tests and ``bench/`` do to the Elasticsearch cluster around the site's own index."""

import socket
import threading
import time

from elasticsearch.helpers import bulk, scan

from jingjian.search import elastic


def wait_for_cluster(timeout=60):
    """Block until the cluster answers (scripts and tests)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            elastic.client().cluster.health(wait_for_status="yellow", timeout="5s")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def delete_indices(pattern, es=None):
    """Delete the indices matching ``pattern`` (the cluster refuses wildcard deletes)."""
    es = es or elastic.client()
    names = list(es.indices.get(index=pattern, ignore_unavailable=True, allow_no_indices=True))
    for name in names:
        es.indices.delete(index=name, ignore_unavailable=True)
    return names


def delete_all_documents(pattern, es=None):
    """Empty the indices matching ``pattern`` but keep them (tests). Works without the reindex
    module, which the minimal distribution lacks (so no _delete_by_query)."""
    es = es or elastic.client()
    hits = scan(es, index=pattern, query={"query": {"match_all": {}}}, _source=False)
    actions = ({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
    bulk(es, actions, raise_on_error=False)
    es.indices.refresh(index=pattern)


class Forwarder:
    """A loopback port in front of a running Elasticsearch (or any TCP server): ``stop()``
    closes the port and every connection through it, so clients are refused as by a stopped
    server; ``start()`` opens the same port again, as a restarted one would."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.connections = 0
        self._listener = None
        self._open = []
        self._lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def stop(self):
        if self._listener is not None:
            _close(self._listener)  # shutdown wakes the thread blocked in accept()
            self._listener = None
        with self._lock:
            for connection in self._open:
                _close(connection)
            self._open.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(connection):
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


class Silent:
    """A loopback port that accepts connections and never answers (a hung server); counts
    the connections it was offered."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self._held = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _accept(self):
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)

    def close(self):
        _close(self._listener)
        for connection in self._held:
            _close(connection)


def closed_port():
    """A loopback port nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
