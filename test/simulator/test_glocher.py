"""Tests of the simulator's Glocher API: run with
``python3 -m unittest discover -s test/simulator -p 'test_*.py' -v``."""

import json
import os
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from core import format_log_entry  # noqa: E402
from test_sim import SimTestCase  # noqa: E402

EMAIL, PASSWORD = "api@glocher.test", "glocher-test-pass"


class GlocherTestCase(SimTestCase):
    def call(self, name, params=None, body=None, method=None):
        """(HTTP status, answer) of a Glocher call; params go in the query string."""
        path = "/glocher/" + name
        if params:
            path += "?" + urllib.parse.urlencode(params)
        status, _, payload = self.request(method or ("POST" if body is not None else "GET"), path, body,
                                          headers={})
        return status, payload

    def login(self):
        status, answer = self.call("auth", body={"email": EMAIL, "pwd": PASSWORD})
        self.assertEqual((status, answer["status"]), (200, "OK"))
        return answer["data"]["token"]


class AuthTest(GlocherTestCase):
    def test_auth_gives_a_token_and_the_user_id(self):
        status, answer = self.call("auth", body={"email": EMAIL, "pwd": PASSWORD})
        self.assertEqual(status, 200)
        self.assertEqual(answer["data"]["id"], 732)
        self.assertEqual(len(answer["data"]["token"]), 32)

    def test_auth_also_takes_get_fields(self):
        status, answer = self.call("auth", {"email": EMAIL, "pwd": PASSWORD})
        self.assertEqual(answer["status"], "OK")

    def test_wrong_password_is_err_with_http_200(self):
        status, answer = self.call("auth", body={"email": EMAIL, "pwd": "nope"})
        self.assertEqual(status, 200)
        self.assertEqual(answer, {"status": "ERR", "data": [["login", "Wrong email or password"]]})

    def test_calls_need_a_known_token(self):
        self.assertEqual(self.call("getShop", {"id": 42})[1]["data"], [["token", "Missing token"]])
        self.assertEqual(self.call("getShop", {"id": 42, "token": "x"})[1]["data"], [["token", "Invalid token"]])

    def test_tokens_expire_when_told_to(self):
        self.sim.config.set("glocher.token_ttl_requests", 2)
        token = self.login()
        for _ in range(2):
            self.assertEqual(self.call("getShop", {"id": 42, "token": token})[1]["status"], "OK")
        status, answer = self.call("getShop", {"id": 42, "token": token})
        self.assertEqual((status, answer["data"]), (200, [["token", "Token expired"]]))
        self.assertEqual(self.call("getShop", {"id": 42, "token": self.login()})[1]["status"], "OK")

    def test_raw_data_and_get_fields_are_not_mixed(self):
        token = self.login()
        status, answer = self.call("getShop?token=" + token, body={"id": 42})
        self.assertEqual(answer["data"], [["request", "Do not mix raw data with GET/POST data"]])
        self.assertEqual(self.call("getShop", body={"id": 42, "token": token})[1]["status"], "OK")

    def test_other_shops_are_refused(self):
        token = self.login()
        answer = self.call("getStock", {"id": 43, "token": token})[1]
        self.assertEqual(answer["data"], [["id", "You have no access to this shop"]])

    def test_the_log_masks_tokens_and_passwords(self):
        token = self.login()
        self.call("getShop", {"id": 42, "token": token})
        self.call("updateCartStatus", body={"id": 509, "shop_id": 42, "token": token})
        lines = [format_log_entry(e) for e in self.sim.log.list()]
        self.assertEqual(lines, [
            'glocher POST /auth\n    {"email":"api@glocher.test","pwd":"<password>"}',
            "glocher GET /getShop?id=42&token=<token1>",
            'glocher POST /updateCartStatus\n    {"id":509,"shop_id":42,"token":"<token1>"}',
        ])
        self.assertNotIn(token, json.dumps(self.sim.log.list()))
        self.assertNotIn(PASSWORD, json.dumps(self.sim.log.list()))


class ReadTest(GlocherTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.login()

    def test_stock_comes_1000_a_page(self):
        sizes = []
        for page in (1, 2, 3, 4):
            answer = self.call("getStock", {"id": 42, "page": page, "token": self.token})[1]
            self.assertEqual((answer["page"], answer["count"]), (page, 2345))
            sizes.append(len(answer["data"]))
        self.assertEqual(sizes, [1000, 1000, 345, 0])

    def test_a_product_by_id(self):
        answer = self.call("getStockByProduct", {"id": 10001, "shop_id": 42, "token": self.token})[1]
        self.assertEqual(answer["data"]["name"], "Sourdough Loaf")
        self.assertEqual(answer["data"]["qty"], 25)
        answer = self.call("getStockByProduct", {"id": 10010, "shop_id": 42, "token": self.token})[1]
        self.assertEqual(answer["data"]["qty"], -1)
        answer = self.call("getStockByProduct", {"id": 5, "shop_id": 42, "token": self.token})[1]
        self.assertEqual(answer, {"status": "ERR", "data": [["id", "Product not found"]]})

    def test_cart_lists_split_by_status(self):
        def statuses(call):
            rows = self.call(call, {"id": 42, "token": self.token})[1]["data"]
            return sorted({r["status"] for r in rows}), len(rows)
        self.assertEqual(statuses("getPendingCarts"), (["pending"], 8))
        self.assertEqual(statuses("getPaidCarts"), (["cash", "paid"], 12))
        self.assertEqual(statuses("getCompletedCarts"), (["completed"], 10))

    def test_cart_lists_come_1000_a_page(self):
        self.sim.config.set("glocher.extra_completed_carts", 1090)
        first = self.call("getCompletedCarts", {"id": 42, "page": 1, "token": self.token})[1]
        second = self.call("getCompletedCarts", {"id": 42, "page": 2, "token": self.token})[1]
        self.assertEqual((first["page"], len(first["data"]), first["count"]), (1, 1000, 1100))
        self.assertEqual((second["page"], len(second["data"]), second["count"]), (2, 100, 1100))
        ids = {c["id"] for c in first["data"] + second["data"]}
        self.assertEqual(len(ids), 1100)

    def test_cart_lists_may_ignore_the_page(self):
        self.sim.config.set("glocher.cart_pages", "ignored")
        answer = self.call("getPaidCarts", {"id": 42, "page": 2, "token": self.token})[1]
        self.assertEqual((answer["page"], len(answer["data"])), (1, 12))

    def test_the_shop_data_has_no_id(self):
        answer = self.call("getShop", {"id": 42, "token": self.token})[1]
        self.assertEqual(answer["data"]["name"], "Joe's Bakery")
        self.assertNotIn("id", answer["data"])

    def test_a_cart_by_id(self):
        cart = self.call("getCart", {"id": 509, "shop_id": 42, "token": self.token})[1]["data"]
        self.assertEqual((cart["createdate"], cart["pickup_time"]), ("2026-11-20 09:15:00", "2026-11-21 10:00:00"))
        answer = self.call("getCart", {"id": 1, "shop_id": 42, "token": self.token})[1]
        self.assertEqual(answer["data"], [["id", "Cart not found"]])


class WriteTest(GlocherTestCase):
    def setUp(self):
        super().setUp()
        self.token = self.login()

    def update_stock(self, items):
        return self.call("updateStock", body={"id": 42, "token": self.token, "data": items})[1]

    def test_update_stock_inserts_and_updates(self):
        answer = self.update_stock([
            {"name": "New", "price": 1.5, "weight": 0.2, "stock_qty": -1, "_external_id": "e1", "_tags": ["x"]},
            {"id": 10001, "price": 4.5, "weight": 0.8, "stock_qty": 3},
        ])
        self.assertEqual(answer["status"], "OK")
        new, old = answer["data"]
        self.assertEqual((new["id"], new["_external_id"], new["stock_qty"], new["_tags"]), (12346, "e1", -1, ["x"]))
        self.assertEqual((old["id"], old["stock_qty"], old["name"]), (10001, 3, "Sourdough Loaf"))
        self.assertEqual(self.sim.apis["glocher"].stock[10001]["qty"], 3)

    def test_one_bad_item_rejects_the_whole_request(self):
        answer = self.update_stock([{"id": 10001, "price": 1, "weight": 1, "stock_qty": 9},
                                    {"name": "No weight", "price": 1}])
        self.assertEqual(answer, {"status": "ERR", "data": [["weight", "Required (item 2)"]]})
        self.assertEqual(self.sim.apis["glocher"].stock[10001]["qty"], 25)

    def test_price_and_weight_are_required_on_update_too(self):
        answer = self.update_stock([{"id": 10001, "stock_qty": 9}])
        self.assertEqual(answer["data"], [["price", "Required (item 1)"]])

    def test_cart_status_and_package(self):
        body = {"id": 510, "shop_id": 42, "token": self.token}
        self.assertEqual(self.call("updateCartPackageStatus", body=body)[1]["data"]["package_status"], "ready")
        self.assertEqual(self.call("updateCartStatus", body=body)[1]["data"]["status"], "completed")
        answer = self.call("updateCartStatus", body=dict(body, id=501))[1]
        self.assertEqual(answer["data"], [["status", "A pending cart cannot be completed"]])


if __name__ == "__main__":
    unittest.main()
