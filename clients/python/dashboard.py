#!/usr/bin/python3
"""A small kg dashboard: entity counts per label and the ten most connected companies.

    /usr/bin/python3 clients/python/dashboard.py [--server 127.0.0.1:50051] [--token T] [--json]

Counts come from Stats (maintained counters, no scan); connectedness is the degree (in + out
edges) that SearchEntities reports for each hit, so the ranking needs no query language at all.
Exit codes follow kg's: 1 for an error from the server, 3 when kgd cannot be reached.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kg_client import connect  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--token", default=os.environ.get("KG_TOKEN"))
    parser.add_argument("--label", default="Company", help="whose connectedness to rank")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    args = parser.parse_args()

    kg = connect(args.server, args.token)
    try:
        kg.wait_ready(timeout=5)
    except Exception:  # grpc.FutureTimeoutError
        print("dashboard: cannot reach kgd at %s" % args.server, file=sys.stderr)
        return 3
    try:
        stats = kg.stub.Stats(kg.pb.StatsRequest(), metadata=kg.metadata, timeout=10)
        hits = list(kg.search("", labels=[args.label]))
    except kg.grpc.RpcError as e:
        print("dashboard: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 3 if e.code() == kg.grpc.StatusCode.UNAVAILABLE else 1

    counts = sorted(((c.label, c.count) for c in stats.vertices_by_label),
                    key=lambda lc: (-lc[1], lc[0]))
    top = sorted(hits, key=lambda h: (-h.degree, h.name))[:args.top]
    if args.json:
        print(json.dumps({
            "vertices": stats.vertices, "edges": stats.edges, "documents": stats.documents,
            "entities_per_label": dict(counts),
            "most_connected": [{"name": h.name, "degree": h.degree, "id": h.id} for h in top],
        }, ensure_ascii=False))
        return 0
    print("kg at %s: %d entities, %d relations, %d documents"
          % (args.server, stats.vertices, stats.edges, stats.documents))
    print()
    print("Entities per label")
    for label, count in counts:
        print("  %-20s %8d" % (label, count))
    print()
    print("The %d most connected %s entities" % (len(top), args.label))
    for rank, h in enumerate(top, 1):
        print("  %2d. %-40s %6d edges" % (rank, h.name, h.degree))
    return 0


if __name__ == "__main__":
    sys.exit(main())
