#!/usr/bin/python3
"""End to end from Python: health, reflection (what grpcurl relies on) and the dashboard client,
against a real kgd on a free loopback port with a temporary data directory."""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None


def start_kgd(tmp):
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "kgd.log"), "w")
    proc = subprocess.Popen(
        [ARGS.kgd, "--data_dir=" + os.path.join(tmp, "data"), "--listen=127.0.0.1:0",
         "--port_file=" + port_file], stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, "127.0.0.1:" + open(port_file).read().strip()
        if proc.poll() is not None:
            raise RuntimeError("kgd exited: " + open(os.path.join(tmp, "kgd.log")).read())
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("kgd did not start")


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kg-py-")
        os.environ["KG_PY_STUBS"] = os.path.join(cls.tmp, "stubs")
        cls.kgd, cls.address = start_kgd(cls.tmp)
        ingest = subprocess.run(
            [ARGS.kg, "ingest", os.path.join(ARGS.shared, "seed"), "--server=" + cls.address],
            capture_output=True, text=True, timeout=300)
        assert ingest.returncode == 0, ingest.stderr
        sys.path.insert(0, ARGS.client_dir)
        import kg_client
        cls.kg = kg_client.Connection(
            cls.address, stubs_dir=kg_client.generate_stubs(ARGS.proto_dir))

    @classmethod
    def tearDownClass(cls):
        cls.kgd.send_signal(signal.SIGTERM)
        try:
            code = cls.kgd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cls.kgd.kill()
            code = -1
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert code == 0, "kgd exited with %s after SIGTERM" % code

    def test_health_is_serving(self):
        self.assertEqual(self.kg.health(""), 1)
        self.assertEqual(self.kg.health("kg.v1.KnowledgeGraph"), 1)

    def test_reflection_lists_and_describes_the_service(self):
        # grpc.reflection.v1alpha by hand: ServerReflectionRequest{list_services: ""} (field 7).
        call = self.kg.channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
        responses = list(call(iter([b"\x3a\x00"]), timeout=10))
        self.assertEqual(len(responses), 1)
        for name in (b"kg.v1.KnowledgeGraph", b"grpc.health.v1.Health"):
            self.assertIn(name, responses[0])
        # file_containing_symbol (field 4): the descriptor names every RPC.
        symbol = b"kg.v1.KnowledgeGraph"
        responses = list(call(iter([b"\x22" + bytes([len(symbol)]) + symbol]), timeout=10))
        for rpc in (b"Query", b"IngestDocuments", b"GetEntity", b"SearchEntities", b"Stats",
                    b"Explain"):
            self.assertIn(rpc, responses[0])

    def test_query_through_generated_stubs(self):
        names = list(self.kg.query("g.V().hasLabel('Company').values('name')"))
        self.assertIn("OpenAI", names)
        counts = list(self.kg.query("g.V().hasLabel(l).count()", params={"l": "Company"}))
        self.assertEqual(counts, [len(set(names))])

    def test_parse_error_is_invalid_argument(self):
        with self.assertRaises(self.kg.grpc.RpcError) as err:
            list(self.kg.query("g.V(.has("))
        self.assertEqual(err.exception.code(), self.kg.grpc.StatusCode.INVALID_ARGUMENT)

    def test_dashboard(self):
        out = subprocess.run(
            ["/usr/bin/python3", os.path.join(ARGS.client_dir, "dashboard.py"),
             "--server=" + self.address, "--json"],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        report = json.loads(out.stdout)
        stats = self.kg.stub.Stats(self.kg.pb.StatsRequest(), timeout=10)
        expected = {c.label: c.count for c in stats.vertices_by_label}
        self.assertEqual(report["entities_per_label"], expected)
        top = report["most_connected"]
        self.assertEqual(len(top), min(10, expected["Company"]))
        degrees = [t["degree"] for t in top]
        self.assertEqual(degrees, sorted(degrees, reverse=True))
        # Every company not listed has at most the smallest listed degree.
        all_degrees = sorted((h.degree for h in self.kg.search("", labels=["Company"])),
                             reverse=True)
        self.assertEqual(degrees, all_degrees[:len(degrees)])
        text = subprocess.run(
            ["/usr/bin/python3", os.path.join(ARGS.client_dir, "dashboard.py"),
             "--server=" + self.address], capture_output=True, text=True, timeout=120)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("Entities per label", text.stdout)
        self.assertIn("most connected Company", text.stdout)

    def test_dashboard_unreachable_is_exit_3(self):
        out = subprocess.run(
            ["/usr/bin/python3", os.path.join(ARGS.client_dir, "dashboard.py"),
             "--server=127.0.0.1:1"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 3, out.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for flag in ("--kgd", "--kg", "--proto_dir", "--client_dir", "--shared"):
        parser.add_argument(flag, required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
