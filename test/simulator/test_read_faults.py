"""Tests of the simulator's read faults (core.ReadFaultSet): run with
``python3 -m unittest discover -s test/simulator -p 'test_*.py'``."""

import gzip
import http.client
import json
import os
import socket
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_sim import AUTH, SimTestCase  # noqa: E402


class ReadFaultTest(SimTestCase):
    def fault(self, kind, **spec):
        spec.setdefault("api", "glance")
        spec["kind"] = kind
        self.sim.read_faults.add(spec)

    def count(self, collection):
        return len(self.sim.apis["glance"].state(collection, {}))

    def test_validation(self):
        for spec in ({"kind": "nope"}, {"kind": "redirect", "status": 200}, {"kind": "total"},
                     {"kind": "envelope", "api": "gcommerce"}, {"kind": "null", "count": 0},
                     {"kind": "null", "bogus": 1}):
            with self.assertRaises(ValueError, msg=spec):
                self.sim.read_faults.add(spec)

    def test_redirect_does_not_apply_a_write(self):
        before = self.count("inventory")
        self.fault("redirect", method="POST", path_prefix="/inventory/create")
        status, resp, body = self.post("/inventory/create", {"productId": 5, "warehouseId": 3})
        self.assertEqual((status, body), (307, None))
        self.assertEqual(resp.getheader("Location"), "/glance/elsewhere/inventory/create")
        self.assertEqual(self.count("inventory"), before)
        self.fault("redirect", status=302)
        self.assertEqual(self.get("/inventory")[0], 302)
        self.assertEqual(self.get("/inventory")[0], 200)  # count 1

    def test_empty_null_and_envelopes(self):
        self.fault("empty")
        self.assertEqual(self.get("/inventory")[::2], (200, None))
        self.fault("null")
        self.assertEqual(self.get("/inventory")[::2], (200, None))  # the JSON null
        self.fault("envelope", value="401")
        self.assertEqual(self.get("/inventory")[::2],
                         (200, {"success": False, "error": {"status": 401, "message": "Injected failure envelope"}}))
        self.fault("envelope", api="glocher", status=500)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/glocher/categories")
        resp = conn.getresponse()
        self.assertEqual((resp.status, json.loads(resp.read())),
                         (500, {"status": "ERR", "message": "Injected failure envelope"}))
        conn.close()

    def test_scalar_items_and_totals(self):
        self.fault("scalar-items")
        status, _, body = self.get("/inventory?limit=3")
        self.assertEqual(body["data"], [1, 2, 3])
        for raw in ("1.5", "1e3", "true", '"7"', "1"):
            self.fault("total", value=raw)
            self.conn.request("GET", "/glance/inventory?limit=3", headers=AUTH)
            text = self.conn.getresponse().read().decode()
            self.assertIn('"total":%s,' % raw, text)

    def test_same_page_and_endless(self):
        self.fault("same-page", count=2)
        first = self.get("/inventory?page=1&limit=2")[2]
        second = self.get("/inventory?page=2&limit=2")[2]
        self.assertEqual(first["data"], second["data"])
        self.assertTrue(second["pagination"]["hasMore"])
        self.fault("endless", count=3)
        a = self.get("/inventory?page=7&limit=2")[2]
        b = self.get("/inventory?page=8&limit=2")[2]
        self.assertEqual([r["id"] for r in a["data"]], [7000001, 7000002])
        self.assertEqual([r["id"] for r in b["data"]], [8000001, 8000002])
        self.assertTrue(b["pagination"]["hasMore"])
        far = self.get("/inventory?page=5000&limit=2")[2]  # far beyond the real rows: still rows
        self.assertEqual([r["id"] for r in far["data"]], [5000000001, 5000000002])

    def test_gzip_bomb_is_streamed(self):
        self.fault("gzip-bomb", megabytes=3)
        self.conn.request("GET", "/glance/inventory", headers=AUTH)
        resp = self.conn.getresponse()
        self.assertEqual(resp.getheader("Content-Encoding"), "gzip")
        compressed = resp.read()
        self.assertLess(len(compressed), 100000)
        body = json.loads(gzip.decompress(compressed))
        self.assertEqual(body["data"], [])
        self.assertGreater(len(gzip.decompress(compressed)), 3 << 20)
        # a client that stops reading does not stop the simulator
        self.fault("gzip-bomb", megabytes=200)
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(b"GET /glance/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n"
                     % AUTH["Authorization"].encode())
        sock.recv(1000)
        sock.close()
        self.assertEqual(self.get("/inventory/1")[0], 200)

    def test_drip(self):
        self.fault("drip", value="5", interval_ms=50)
        status, _, body = self.get("/inventory")
        self.assertEqual((status, body), (200, b"     "))

    def test_simctl_read_fault(self):
        self.simctl("read-fault", "total", "--api", "glance", "--path-prefix", "/inventory", "--value", "1e3")
        self.assertIn('"kind":"total"', self.simctl("faults"))
        self.simctl("fault-clear")
        self.assertEqual(self.simctl("faults"), "")
        self.simctl("read-fault", "redirect", "--api", "glance", "--status", "302")
        self.assertEqual(self.get("/inventory")[0], 302)


if __name__ == "__main__":
    unittest.main()
