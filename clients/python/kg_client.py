"""A small Python client for kgd, on Debian's python3-grpcio (run it with /usr/bin/python3).

    from kg_client import connect
    kg = connect("127.0.0.1:50051", token=None)
    stats = kg.stub.Stats(kg.pb.StatsRequest(), metadata=kg.metadata, timeout=10)
    for value in kg.query("g.V().hasLabel('Company').values('name')"):
        print(value)

The stubs are generated from ../../proto on first use with the system protoc and
grpc_python_plugin (Debian ships no grpc_tools for this Python), into a cache directory named by
a digest of the .proto files ($KG_PY_STUBS, else ~/.cache/kg/py-stubs-<digest>), so a changed
proto never meets stale stubs and the source tree stays clean.
"""

import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "proto"))
PROTOS = ["kg/v1/kg.proto", "kg/v1/extractor.proto"]


def generate_stubs(proto_dir=DEFAULT_PROTO_DIR, out_dir=None):
    """Generates kg/v1/*_pb2.py and *_pb2_grpc.py into out_dir (if stale) and returns out_dir."""
    digest = hashlib.sha1()
    for p in PROTOS:
        with open(os.path.join(proto_dir, p), "rb") as f:
            digest.update(f.read())
    if out_dir is None:
        base = os.environ.get("KG_PY_STUBS") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kg")
        out_dir = os.path.join(base, "py-stubs-" + digest.hexdigest()[:12])
    if os.path.exists(os.path.join(out_dir, "kg", "v1", "kg_pb2_grpc.py")):
        return out_dir
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run(
        ["protoc", "-I", proto_dir, "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"] + PROTOS,
        check=True)
    return out_dir


class Connection:
    """A channel, the KnowledgeGraph stub, the generated messages (pb) and the auth metadata."""

    def __init__(self, address, token=None, stubs_dir=None):
        import grpc  # Debian's python3-grpcio

        sys.path.insert(0, stubs_dir or generate_stubs())
        from kg.v1 import kg_pb2, kg_pb2_grpc  # noqa: E402  (generated above)

        self.grpc = grpc
        self.pb = kg_pb2
        self.channel = grpc.insecure_channel(address)
        self.stub = kg_pb2_grpc.KnowledgeGraphStub(self.channel)
        self.metadata = [("authorization", "Bearer " + token)] if token else []

    def wait_ready(self, timeout=10):
        self.grpc.channel_ready_future(self.channel).result(timeout=timeout)

    def health(self, service="kg.v1.KnowledgeGraph", timeout=5):
        """grpc.health.v1 Check without generated health stubs: 1 means SERVING."""
        request = b"" if not service else b"\x0a" + bytes([len(service)]) + service.encode()
        check = self.channel.unary_unary("/grpc.health.v1.Health/Check")
        response = check(request, timeout=timeout)
        return response[1] if len(response) == 2 and response[0] == 0x08 else 0

    def query(self, gremlin, params=None, timeout=30):
        """Yields the results of a traversal as Python values."""
        request = self.pb.QueryRequest(gremlin=gremlin, include_properties=True)
        for name, value in (params or {}).items():
            request.params[name].CopyFrom(to_value(self.pb, value))
        for response in self.stub.Query(request, metadata=self.metadata, timeout=timeout):
            for v in response.results:
                yield from_value(v)

    def search(self, prefix="", labels=(), limit=1000):
        """Every entity whose name or alias starts with prefix, following page tokens."""
        token = ""
        while True:
            response = self.stub.SearchEntities(
                self.pb.SearchRequest(query=prefix, labels=list(labels), limit=limit,
                                      page_token=token),
                metadata=self.metadata, timeout=30)
            yield from response.hits
            token = response.next_page_token
            if not token:
                return


def to_value(pb, x):
    v = pb.Value()
    if x is None:
        v.null = 0
    elif isinstance(x, bool):
        v.bool_value = x
    elif isinstance(x, int):
        if -2**31 <= x < 2**31:
            v.int32_value = x
        else:
            v.int64_value = x
    elif isinstance(x, float):
        v.double_value = x
    elif isinstance(x, str):
        v.string_value = x
    elif isinstance(x, (list, tuple)):
        v.list.values.extend(to_value(pb, i) for i in x)
    else:
        raise TypeError("cannot send %r as a kg value" % (x,))
    return v


def from_value(v):
    kind = v.WhichOneof("kind")
    if kind in (None, "null"):
        return None
    if kind in ("list", "set"):
        return [from_value(i) for i in getattr(v, kind).values]
    if kind == "map":
        return {_key(from_value(e.key)): from_value(e.value) for e in v.map.entries}
    if kind == "vertex":
        props = {}
        for p in v.vertex.properties:
            props.setdefault(p.key, []).append(from_value(p.value))
        return {"id": v.vertex.id, "labels": list(v.vertex.labels), "properties": props}
    if kind == "edge":
        return {"id": v.edge.id, "label": v.edge.label, "out": v.edge.out_id, "in": v.edge.in_id}
    if kind == "path":
        return [from_value(o) for o in v.path.objects]
    if kind in ("vertex_property", "property"):
        p = getattr(v, kind)
        return {"key": p.key, "value": from_value(p.value)}
    return getattr(v, kind)


def _key(k):
    return k if isinstance(k, (str, int, float, bool, type(None))) else repr(k)


def connect(address="127.0.0.1:50051", token=None):
    return Connection(address, token)
