"""Tests of the simulator itself: run with
``python3 -m unittest discover -s test/simulator -v``."""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402
from core import Simulator, make_server  # noqa: E402

KEY = "glance-test-key"
AUTH = {"Authorization": "Bearer " + KEY}


class SimTestCase(unittest.TestCase):
    """Starts one simulator for the class; every test starts from the seed."""

    @classmethod
    def setUpClass(cls):
        cls.sim = Simulator(seed=1)
        cls.server = make_server(cls.sim, "127.0.0.1", 0)
        cls.port = cls.server.server_address[1]
        cls.url = "http://127.0.0.1:%d" % cls.port
        cls.thread = threading.Thread(target=cls.server.serve_forever, kwargs={"poll_interval": 0.05},
                                      daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.sim.reset(1)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def tearDown(self):
        self.conn.close()

    def request(self, method, path, body=None, headers=None, conn=None):
        """(status, headers, decoded JSON or raw bytes)."""
        conn = conn or self.conn
        hdrs = dict(AUTH if headers is None else headers)
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            payload = raw
        return resp.status, resp, payload

    def get(self, path, **kw):
        return self.request("GET", "/glance" + path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", "/glance" + path, body, **kw)

    def simctl(self, *args):
        result = subprocess.run([sys.executable, os.path.join(HERE, "simctl.py"), "--url", self.url] + list(args),
                                capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode("utf-8")


class GlanceReadTest(SimTestCase):
    def test_auth(self):
        status, resp, body = self.get("/inventory", headers={})
        self.assertEqual(status, 401)
        self.assertEqual(body, {"error": "Unauthorized", "message": "Invalid or missing API key", "statusCode": 401})
        status, _, _ = self.get("/inventory", headers={"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        self.sim.config.set("glance.api_key", "other")
        self.assertEqual(self.get("/inventory", headers={"Authorization": "Bearer other"})[0], 200)

    def test_list_envelope_and_default_limit(self):
        status, resp, body = self.get("/inventory")
        self.assertEqual(status, 200)
        self.assertIs(body["success"], True)
        self.assertEqual(len(body["data"]), 50)
        self.assertEqual(body["pagination"], {"total": 250, "limit": 50, "offset": 0, "hasMore": True})
        first = body["data"][0]
        self.assertEqual(first, {"id": 1, "product": {"id": 1, "name": "Widget Pro", "sku": "WDG-001"},
                                 "warehouse": {"id": 1, "name": "Main Warehouse"}, "quantity": 150,
                                 "location": "Shelf A3"})
        for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
            self.assertIsNotNone(resp.getheader(name), name)
        self.assertEqual(resp.getheader("X-RateLimit-Limit"), "100")

    def test_limit_is_capped(self):
        _, _, body = self.get("/inventory?limit=500&page=2")
        self.assertEqual(len(body["data"]), 100)
        self.assertEqual(body["pagination"], {"total": 250, "limit": 100, "offset": 100, "hasMore": True})
        self.sim.config.set("glance.page_cap", 30)
        _, _, body = self.get("/inventory?limit=100")
        self.assertEqual(body["pagination"]["limit"], 30)

    def test_warehouse_counts_and_paging(self):
        counts = {}
        for wid in (1, 2, 3):
            ids, page = [], 1
            while True:
                _, _, body = self.get("/inventory?warehouseId=%d&page=%d&limit=30" % (wid, page))
                ids += [r["id"] for r in body["data"]]
                self.assertTrue(all(r["warehouse"]["id"] == wid for r in body["data"]))
                if not body["pagination"]["hasMore"]:
                    break
                page += 1
            counts[wid] = len(set(ids))
        self.assertEqual(counts, {1: 100, 2: 80, 3: 70})
        _, _, body = self.get("/inventory?page=99")
        self.assertEqual(body["data"], [])
        self.assertFalse(body["pagination"]["hasMore"])

    def test_bad_paging_parameter(self):
        status, _, body = self.get("/inventory?page=0")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "VALIDATION_ERROR")
        self.assertEqual(body["error"]["issues"][0]["path"], ["page"])

    def test_inventory_by_id_and_by_product(self):
        status, _, body = self.get("/inventory/42")
        self.assertEqual(status, 200)
        self.assertEqual(body["data"]["id"], 42)
        status, _, body = self.get("/inventory/999999")
        self.assertEqual(status, 404)
        self.assertEqual(body["success"], False)
        self.assertEqual(body["error"]["code"], "NOT_FOUND")
        _, _, body = self.get("/inventory/product/1")
        self.assertNotIn("pagination", body)
        self.assertEqual([(r["id"], r["warehouse"]["id"]) for r in body["data"]], [(1, 1), (4, 2)])
        self.assertTrue(all("product" not in r for r in body["data"]))
        self.assertEqual(self.get("/inventory/product/5")[2]["data"][0]["warehouse"]["id"], 1)
        self.assertNotIn(3, [r["warehouse"]["id"] for r in self.get("/inventory/product/5")[2]["data"]])

    def test_inventory_search(self):
        _, _, body = self.get("/inventory?search=Widget&limit=100")
        self.assertGreater(body["pagination"]["total"], 0)
        self.assertTrue(all("widget" in r["product"]["name"].lower() for r in body["data"]))

    def test_sku_lookup_decodes_the_segment(self):
        status, _, body = self.get("/products/sku/A%2FB%3FC%26D%3DE%20F")
        self.assertEqual(status, 200)
        self.assertEqual(body["data"]["id"], 150)
        self.assertEqual(body["data"]["sku"], "A/B?C&D=E F")
        # unencoded, the slash splits the path: no such route
        self.assertEqual(self.get("/products/sku/A/B")[0], 404)
        self.assertEqual(self.get("/products/sku/WDG-002")[2]["data"]["id"], 2)
        self.assertEqual(self.get("/products/sku/NOPE")[0], 404)

    def test_product_shape(self):
        _, _, body = self.get("/products/id/1")
        p = body["data"]
        self.assertEqual(p["unitCost"], "49.50")
        self.assertIsInstance(p["buyingPrice"], str)
        self.assertIsInstance(p["minStockLevel"], int)
        self.assertRegex(p["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
        _, _, body = self.get("/products/id/149")
        self.assertEqual(body["data"]["name"], "Café Ünïcode")
        _, _, body = self.get("/products?vendorId=2&isPhysical=false")
        self.assertEqual([x["id"] for x in body["data"]], [12, 42, 72, 102, 132])
        self.assertEqual(self.get("/products?isPhysical=maybe")[0], 400)

    def test_clients_and_documents(self):
        _, _, body = self.get("/clients?email=EXISTING@Example.com")
        self.assertEqual([c["visibleId"] for c in body["data"]], ["C-1001"])
        self.assertEqual(body["data"][0]["balance"], "0.00")
        _, _, body = self.get("/clients?type=COMPANY&taxId=500000003")
        self.assertEqual([c["visibleId"] for c in body["data"]], ["C-1003"])
        _, _, body = self.get("/clients?email=dana.levi@example.com")
        self.assertEqual(body["data"][0]["email"], "Dana.Levi@Example.com")
        _, _, body = self.get("/documents?type=invoice&startDate=2026-03-01&endDate=2026-05-31")
        self.assertEqual([d["visibleId"] for d in body["data"]], ["D-5005", "D-5008"])
        _, _, body = self.get("/documents?open=true&type=invoice")
        self.assertEqual([d["visibleId"] for d in body["data"]], ["D-5001", "D-5005", "D-5011", "D-5015"])
        _, _, body = self.get("/documents/id/" + body["data"][0]["id"])
        self.assertEqual(body["data"]["visibleId"], "D-5001")
        _, _, body = self.get("/documents?limit=100")
        self.assertEqual(body["pagination"]["total"], 20)
        self.assertTrue(all(d["date"].startswith("2026-") for d in body["data"]))
        self.assertEqual(self.get("/documents/id/D-5001")[2]["data"]["number"], "50001")
        self.assertEqual(self.get("/documents?startDate=March")[0], 400)

    def test_movements(self):
        _, _, body = self.get("/inventory/movements?limit=100")
        self.assertEqual(body["pagination"]["total"], 40)
        self.assertEqual(body["data"][39]["createdAt"], "2026-11-22T23:00:00.000Z")
        _, _, body = self.get("/inventory/movements?warehouseId=2&type=sale&limit=100")
        self.assertEqual(len(body["data"]), 20)
        # days in Israel time: 2026-11-22T23:00Z is already the 23rd there
        _, _, body = self.get("/inventory/movements?startDate=2026-11-23")
        self.assertEqual([m["id"] for m in body["data"]], [40])
        _, _, body = self.get("/inventory/movements?productId=1&endDate=2026-11-05")
        self.assertTrue(all(m["product"]["id"] == 1 for m in body["data"]))
        self.post("/inventory/adjust", {"actions": [{"productId": 3, "warehouseId": 1, "amount": -4}]})
        _, _, body = self.get("/inventory/movements?startDate=2026-11-23&type=adjustment")
        self.assertEqual([(m["product"]["id"], m["amount"], m["createdAt"]) for m in body["data"]],
                         [(3, -4, "2026-11-23T12:00:00.000Z")])

    def test_rate_limit(self):
        self.sim.config.set("glance.rate_limit_per_minute", 3)
        statuses = [self.get("/inventory/1")[0] for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 200])
        status, resp, body = self.get("/inventory/1")
        self.assertEqual(status, 429)
        self.assertEqual(resp.getheader("X-RateLimit-Remaining"), "0")
        self.assertGreaterEqual(int(resp.getheader("Retry-After")), 1)
        self.assertEqual(body["error"]["status"], 429)

    def test_keep_alive(self):
        self.get("/inventory/1")
        sock = self.conn.sock
        self.get("/inventory/2")
        self.assertIs(self.conn.sock, sock)


class GlanceWriteTest(SimTestCase):
    def test_create_inventory(self):
        status, _, body = self.post("/inventory/create", {"productId": 5, "warehouseId": 3, "quantity": 12,
                                                          "location": "Bin 9"})
        self.assertEqual(status, 201)
        self.assertEqual(body["data"], {"id": 251, "productId": 5, "warehouseId": 3, "quantity": 12,
                                        "location": "Bin 9"})
        self.assertEqual(self.post("/inventory/create", {"productId": 5, "warehouseId": 3})[0], 409)
        status, _, body = self.post("/inventory/create", {"warehouseId": 3})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["issues"], [{"path": ["productId"], "message": "Required"}])
        self.assertEqual(self.post("/inventory/create", {"productId": 999, "warehouseId": 1})[0], 404)
        self.assertEqual(self.post("/inventory/create", "{nope")[0], 400)

    def test_edit_and_delete_inventory(self):
        status, _, body = self.request("PUT", "/glance/inventory/1/edit", {"location": "Shelf Z1"})
        self.assertEqual(body["data"], {"id": 1, "productId": 1, "warehouseId": 1, "quantity": 150,
                                        "location": "Shelf Z1"})
        _, _, body = self.request("PUT", "/glance/inventory/1/edit", {"quantity": 2.5})
        self.assertEqual(body["data"]["quantity"], 2.5)
        _, _, body = self.request("DELETE", "/glance/inventory/1/delete")
        self.assertEqual(body, {"success": True, "data": {"success": True}})
        self.assertEqual(self.get("/inventory/1")[0], 404)

    def test_adjust(self):
        status, _, body = self.post("/inventory/adjust", {"actions": [
            {"productId": 1, "warehouseId": 1, "amount": -5, "reason": "sold"},
            {"productId": 2, "warehouseId": 1, "amount": 10},
            {"productId": 5, "warehouseId": 3, "amount": 1.5, "notes": "new"}]})
        self.assertEqual(status, 200)
        self.assertEqual(body["data"]["adjusted"], [
            {"productId": 1, "warehouseId": 1, "previousQuantity": 150, "newQuantity": 145, "amount": -5},
            {"productId": 2, "warehouseId": 1, "previousQuantity": 80, "newQuantity": 90, "amount": 10},
            {"productId": 5, "warehouseId": 3, "previousQuantity": 0, "newQuantity": 1.5, "amount": 1.5}])
        self.assertEqual(self.get("/inventory/251")[2]["data"]["product"]["id"], 5)

    def test_adjust_is_all_or_nothing(self):
        status, _, body = self.post("/inventory/adjust", {"actions": [
            {"productId": 1, "warehouseId": 1, "amount": -5},
            {"productId": 999, "warehouseId": 1, "amount": 1}]})
        self.assertEqual(status, 404)
        self.assertIn("999", body["error"]["message"])
        self.assertEqual(self.get("/inventory/1")[2]["data"]["quantity"], 150)
        self.assertEqual(self.post("/inventory/adjust", {"actions": []})[0], 400)

    def test_products_write(self):
        status, _, body = self.post("/products/create", {"name": "Gadget Max", "sku": "GDG-MAX", "unit": "unit",
                                                         "unitCost": 19.9, "isPhysical": True})
        self.assertEqual(status, 201)
        p = body["data"]
        self.assertEqual((p["id"], p["visibleId"], p["unitCost"]), (151, "P-1151", "19.90"))
        _, _, body = self.request("PUT", "/glance/products/edit/151", {"unitCost": "21.5"})
        self.assertEqual(body["data"]["unitCost"], "21.50")
        self.assertEqual(self.post("/products/create", {"name": "Dup", "sku": "WDG-001"})[0], 409)
        self.assertEqual(self.post("/products/create", {"sku": "X"})[0], 400)
        self.assertEqual(self.request("DELETE", "/glance/products/delete/151")[2]["data"], {"success": True})
        self.assertEqual(self.get("/products/sku/GDG-MAX")[0], 404)

    def test_clients_write(self):
        status, _, body = self.post("/clients/create", {
            "name": "New Shop", "email": "new.shop@example.com", "type": "MURSHE",
            "contact": {"firstName": "Nora", "lastName": "Shop", "phoneNumber": "050-1234567"}})
        self.assertEqual(status, 201)
        c = body["data"]
        self.assertEqual(c["visibleId"], "C-1031")
        self.assertEqual(c["contacts"][0]["firstName"], "Nora")
        self.assertEqual(c["balance"], "0.00")
        self.assertEqual(c["createdAt"], "2026-11-23T12:00:00.000Z")
        _, _, body = self.request("PUT", "/glance/clients/edit/C-1031", {"name": "New Shop Ltd"})
        self.assertEqual(body["data"]["name"], "New Shop Ltd")
        self.assertEqual(self.post("/clients/create", {"name": "X", "type": "OTHER"})[0], 400)

    def test_documents_create(self):
        order = {"client": {"name": "Existing", "email": "EXISTING@example.com"}, "identifyClientBy": "email",
                 "products": [{"description": "Widget Pro", "sku": "WDG-001", "units": 2, "price": 49.5}],
                 "payments": [{"amount": 99, "paymentMethod": "creditCard", "date": "2026-11-23"}],
                 "sendToClient": True}
        status, _, body = self.post("/documents/create/invoiceReceipt", order)
        self.assertEqual(status, 201)
        d = body["data"]
        self.assertEqual((d["visibleId"], d["number"], d["total"], d["date"]), ("D-5021", "50021", "99.00", "2026-11-23"))
        self.assertEqual(d["client"]["id"], "C-1001")
        order["client"] = {"name": "Fresh", "email": "fresh@example.com"}
        _, _, body = self.post("/documents/create/invoice", order)
        self.assertEqual(body["data"]["client"]["id"], "C-1031")
        self.assertEqual(self.post("/documents/create/nonsense", order)[0], 400)
        status, _, body = self.post("/documents/create/invoice", dict(order, products=[]))
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["issues"][0]["path"], ["products"])
        self.assertEqual(self.post("/documents/create/order", {"clientId": "C-1005", "products": [
            {"units": 1, "price": 3}]})[2]["data"]["client"]["id"], "C-1005")


class FaultTest(SimTestCase):
    def fault(self, **spec):
        spec.setdefault("api", "glance")
        self.sim.faults.add(spec)

    def test_status_with_retry_after_and_count(self):
        self.fault(method="GET", path_prefix="/inventory/7", status=503, retry_after=1, count=2)
        self.assertEqual(self.get("/inventory/70")[0], 200)  # whole segments only
        for _ in range(2):
            status, resp, body = self.get("/inventory/7")
            self.assertEqual(status, 503)
            self.assertEqual(resp.getheader("Retry-After"), "1")
            self.assertEqual(body["error"]["code"], "SERVICE_UNAVAILABLE")
        self.assertEqual(self.get("/inventory/7")[0], 200)

    def test_status_fault_does_not_apply_a_write(self):
        self.fault(method="POST", path_prefix="/inventory/create", status=409)
        self.assertEqual(self.post("/inventory/create", {"productId": 5, "warehouseId": 3})[0], 409)
        self.assertEqual(self.get("/inventory/251")[0], 404)

    def test_401_fault_uses_the_401_shape(self):
        self.fault(status=401)
        self.assertEqual(self.get("/inventory")[2]["statusCode"], 401)

    def test_bodies(self):
        self.fault(body="malformed")
        status, _, body = self.get("/inventory/1")
        self.assertEqual((status, body), (200, b'{"data": [ {"id": 1,, }'))
        self.fault(body="empty")
        status, _, body = self.get("/inventory/1")
        self.assertEqual((status, body), (200, None))
        self.fault(body="truncated")
        self.conn.request("GET", "/glance/inventory/1", headers=AUTH)
        resp = self.conn.getresponse()
        with self.assertRaises(http.client.IncompleteRead):
            resp.read()

    def test_reset_connection(self):
        self.fault(reset_connection=True)
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected)):
            self.get("/inventory/1")
        self.assertEqual(self.sim.log.list()[-1]["status"], None)

    def test_latency_blocks_only_its_request(self):
        self.fault(path_prefix="/inventory/3", latency_ms=600)
        result = {}

        def slow():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            start = time.time()
            result["status"] = self.get("/inventory/3", conn=conn)[0]
            result["elapsed"] = time.time() - start
            conn.close()

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.1)
        start = time.time()
        self.assertEqual(self.get("/inventory/1")[0], 200)
        self.assertLess(time.time() - start, 0.3)
        t.join()
        self.assertEqual(result["status"], 200)
        self.assertGreaterEqual(result["elapsed"], 0.55)

    def test_max_in_flight_counts_requests_served_at_once(self):
        self.fault(path_prefix="/inventory/3", latency_ms=400, count=3)
        statuses = []

        def slow():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            statuses.append(self.get("/inventory/3", conn=conn)[0])
            conn.close()

        threads = [threading.Thread(target=slow) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(self.simctl("max-in-flight", "--clear"), "3\n")
        self.get("/inventory/1")
        self.assertEqual(self.simctl("max-in-flight"), "1\n")
        self.sim.reset(1)
        self.assertEqual(self.simctl("max-in-flight"), "0\n")

    def test_client_gone_during_latency(self):
        self.fault(path_prefix="/inventory/3", latency_ms=400)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=0.1)
        with self.assertRaises(socket.timeout):
            self.get("/inventory/3", conn=conn)
        conn.close()
        time.sleep(0.4)
        self.assertEqual(self.get("/inventory/1")[0], 200)


class WriteFaultTest(SimTestCase):
    """hang-after-apply and reset-after-apply: the write happens, its answer is lost."""

    def fault(self, **spec):
        spec.setdefault("api", "glance")
        self.sim.faults.add(spec)

    def quantity(self, inventory_id):
        return self.get("/inventory/%d" % inventory_id)[2]["data"]["quantity"]

    def adjust(self, amount, conn=None):
        return self.post("/inventory/adjust", {"actions": [{"productId": 1, "warehouseId": 1, "amount": amount}]},
                         conn=conn)

    def test_reset_after_apply_applies_then_drops_the_connection(self):
        before = self.quantity(1)
        self.fault(method="POST", path_prefix="/inventory/adjust", after_apply="reset")
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected)):
            self.adjust(5)
        self.conn.close()
        self.assertEqual(self.quantity(1), before + 5)  # applied once
        self.assertEqual(self.sim.log.list()[-2]["status"], 200)  # the status the request had
        self.assertEqual(self.sim.faults.list(), [])  # used up

    def test_hang_after_apply_applies_before_the_client_times_out(self):
        before = self.quantity(1)
        self.fault(method="POST", path_prefix="/inventory/adjust", after_apply="hang", hang_ms=1500)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=0.3)
        with self.assertRaises(socket.timeout):
            self.adjust(2, conn=conn)
        conn.close()
        self.assertEqual(self.quantity(1), before + 2)  # applied while the answer waits
        self.assertEqual(self.adjust(1)[0], 200)  # other requests are not held up

    def test_hang_answers_a_patient_client(self):
        self.fault(method="POST", path_prefix="/inventory/adjust", after_apply="hang", hang_ms=200)
        status, _, body = self.adjust(1)
        self.assertEqual((status, body["success"]), (200, True))

    def test_skip_lets_the_first_requests_through(self):
        before = self.quantity(1)
        self.fault(method="POST", path_prefix="/inventory/adjust", after_apply="reset", skip=2)
        self.assertEqual(self.adjust(1)[0], 200)
        self.assertEqual(self.adjust(1)[0], 200)
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected)):
            self.adjust(1)
        self.conn.close()
        self.assertEqual(self.quantity(1), before + 3)

    def test_validation(self):
        for spec in ({"after_apply": "later"}, {"after_apply": "hang", "status": 503},
                     {"after_apply": "reset", "hang_ms": 10}, {"after_apply": "reset", "skip": -1}):
            with self.assertRaises(ValueError):
                self.sim.faults.add(spec)
        self.assertEqual(self.sim.faults.add({"after_apply": "hang"})["hang_ms"], 10000)

    def test_simctl_flags(self):
        self.simctl("fault", "--api", "glance", "--path-prefix", "/inventory/adjust", "--hang-after-apply", "250",
                    "--skip", "1")
        self.simctl("fault", "--api", "glance", "--path-prefix", "/inventory/create", "--reset-after-apply")
        faults = self.simctl("faults").splitlines()
        self.assertIn('"after_apply":"hang"', faults[0])
        self.assertIn('"hang_ms":250', faults[0])
        self.assertIn('"skip":1', faults[0])
        self.assertIn('"after_apply":"reset"', faults[1])
        result = subprocess.run([sys.executable, os.path.join(HERE, "simctl.py"), "--url", self.url, "fault",
                                 "--hang-after-apply", "5", "--reset-after-apply"], capture_output=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)


class LogAndControlTest(SimTestCase):
    def test_log_format(self):
        self.get("/inventory?warehouseId=2&page=1&limit=100")
        self.post("/inventory/adjust", '{"actions":[{"warehouseId":1,"productId":1,"amount":2.50}]}')
        self.get("/products/sku/A%2FB%3FC%26D%3DE%20F")
        self.request("GET", "/gcommerce/products")
        self.request("GET", "/_sim/health")  # control requests are not logged
        out = self.simctl("log", "--clear")
        self.assertEqual(out, "glance GET /inventory?warehouseId=2&page=1&limit=100\n"
                              "glance POST /inventory/adjust\n"
                              '    {"actions":[{"amount":2.50,"productId":1,"warehouseId":1}]}\n'
                              "glance GET /products/sku/A%2FB%3FC%26D%3DE%20F\n"
                              "gcommerce GET /products\n")
        self.assertEqual(self.simctl("log"), "")
        self.get("/inventory/1")
        self.request("GET", "/gcommerce/products")
        self.assertEqual(self.simctl("log-count", "--api", "glance"), "1\n")
        self.assertEqual(self.simctl("log", "--api", "gcommerce", "--status"), "gcommerce GET /products -> 401\n")
        self.simctl("log-clear")
        self.assertEqual(self.simctl("log-count"), "0\n")
        entry = self.sim.log.list()
        self.assertEqual(entry, [])

    def test_log_records_auth_presence_not_secret(self):
        self.get("/inventory/1")
        entry = self.sim.log.list()[0]
        self.assertIs(entry["authorization"], True)
        self.assertNotIn(KEY, json.dumps(entry))

    def test_unimplemented_api(self):
        # an API whose module does not exist is served by the placeholder
        placeholder = core.PlaceholderAPI(self.sim.config, "future")
        resp = placeholder.handle(core.Request("GET", "future", "/products", None, {}, b""))
        self.assertEqual((resp.status, json.loads(resp.body)), (404, {"error": "not implemented in simulator"}))
        self.assertFalse(placeholder.implemented)

    def test_simctl_fault_config_state_reset(self):
        self.simctl("fault", "--api", "glance", "--method", "GET", "--path-prefix", "/inventory",
                    "--status", "429", "--retry-after", "2", "--count", "1")
        self.assertIn('"status":429', self.simctl("faults"))
        status, resp, _ = self.get("/inventory")
        self.assertEqual((status, resp.getheader("Retry-After")), (429, "2"))
        self.simctl("fault", "--status", "500", "--count", "3")
        self.simctl("fault-clear")
        self.assertEqual(self.get("/inventory/1")[0], 200)

        self.simctl("config", "glance.page_cap", "10")
        self.assertEqual(self.get("/inventory?limit=100")[2]["pagination"]["limit"], 10)
        self.assertIn("glance.page_cap 10", self.simctl("config"))

        self.request("PUT", "/glance/inventory/4/edit", {"location": "Bin 8"})
        out = self.simctl("state", "glance", "inventory", "--product-id", "1")
        self.assertEqual(out.splitlines(), [
            '{"id":1,"location":"Shelf A3","product":{"id":1,"name":"Widget Pro","sku":"WDG-001"},'
            '"quantity":150,"warehouse":{"id":1,"name":"Main Warehouse"}}',
            '{"id":4,"location":"Bin 8","product":{"id":1,"name":"Widget Pro","sku":"WDG-001"},'
            '"quantity":30,"warehouse":{"id":2,"name":"Secondary Storage"}}'])
        self.assertIn('"sku":"A/B?C&D=E F"', self.simctl("state", "glance", "products", "--sku", "A/B?C&D=E F"))
        self.assertIn("Café Ünïcode", self.simctl("state", "glance", "products", "--id", "149"))
        self.assertIn('"visibleId":"C-1001"', self.simctl("state", "glance", "clients",
                                                          "--email", "existing@example.com"))
        self.assertEqual(self.simctl("state", "glance", "inventory", "--id", "999"), "")

        self.simctl("reset")
        self.assertEqual(self.simctl("log-count"), "0\n")
        self.assertEqual(self.get("/inventory/4")[2]["data"]["location"], "Bin 7")
        self.assertEqual(self.get("/inventory?limit=100")[2]["pagination"]["limit"], 100)

    def test_simctl_errors(self):
        result = subprocess.run([sys.executable, os.path.join(HERE, "simctl.py"), "--url", self.url,
                                 "config", "glance.nope", "1"], capture_output=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown config key", result.stderr.decode())

    def test_seed_is_deterministic(self):
        first = self.get("/inventory?limit=100")[2]
        self.sim.reset(1)
        self.assertEqual(self.get("/inventory?limit=100")[2], first)
        self.sim.reset(2)
        self.assertNotEqual(self.get("/inventory?limit=100")[2]["data"], first["data"])
        self.assertEqual(self.get("/inventory?warehouseId=2")[2]["pagination"]["total"], 80)

    def test_log_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "requests.log")
            self.sim.log.path = path
            try:
                self.get("/inventory/1")
            finally:
                self.sim.log.path = None
            with open(path, encoding="utf-8") as f:
                entry = json.loads(f.readline())
        self.assertEqual((entry["api"], entry["path"], entry["status"]), ("glance", "/inventory/1", 200))


class CommandLineTest(unittest.TestCase):
    def test_sim_py_port_zero(self):
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "sim.py"), "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = proc.stdout.readline().decode()
            self.assertRegex(line, r"^listening on \d+$")
            port = int(line.split()[-1])
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/_sim/health")
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
        finally:
            proc.terminate()
            proc.wait(timeout=5)
            proc.stdout.close()
            proc.stderr.close()


if __name__ == "__main__":
    unittest.main()
