"""Tests of the simulator's G-Commerce API: run with
``python3 -m unittest discover -s test/simulator -v``."""

import base64
import http.client
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_sim import SimTestCase  # noqa: E402

AUTH = {"Authorization": "Basic " + base64.b64encode(b"vendor@example.com:gcommerce-test-key").decode()}


class GCommerceTestCase(SimTestCase):
    def setUp(self):
        super().setUp()
        # The documented 10 requests a minute would stop most tests after ten requests.
        self.sim.config.set("gcommerce.rate_limit_per_minute", 0)

    def gc(self, method, path, body=None, headers=None):
        return self.request(method, "/gcommerce" + path, body, headers=AUTH if headers is None else headers)


class GCommerceAuthAndLimitTest(GCommerceTestCase):
    def test_basic_auth(self):
        self.assertEqual(self.gc("GET", "/categories")[0], 200)
        status, resp, body = self.gc("GET", "/categories", headers={})
        self.assertEqual((status, body), (401, {"message": "Unauthorized"}))
        self.assertIn("Basic", resp.getheader("WWW-Authenticate"))
        wrong = {"Authorization": "Basic " + base64.b64encode(b"vendor@example.com:nope").decode()}
        self.assertEqual(self.gc("GET", "/categories", headers=wrong)[0], 401)
        self.assertEqual(self.gc("GET", "/categories", headers={"Authorization": "Bearer gcommerce-test-key"})[0], 401)

    def test_ten_requests_a_minute_then_429_with_retry_after(self):
        self.sim.config.set("gcommerce.rate_limit_per_minute", 10)
        for _ in range(10):
            self.assertEqual(self.gc("GET", "/categories/8210")[0], 200)
        status, resp, body = self.gc("GET", "/categories/8210")
        self.assertEqual(status, 429)
        self.assertIn("10 requests per minute", body["message"])
        self.assertTrue(1 <= int(resp.getheader("Retry-After")) <= 6)

    def test_burst_of_one_spaces_requests(self):
        self.sim.config.set("gcommerce.rate_limit_per_minute", 60)
        self.sim.config.set("gcommerce.rate_limit_burst", 1)
        self.assertEqual(self.gc("GET", "/categories/8210")[0], 200)
        status, resp, _ = self.gc("GET", "/categories/8210")
        self.assertEqual((status, resp.getheader("Retry-After")), (429, "1"))

    def test_unknown_route_and_method(self):
        self.assertEqual(self.gc("GET", "/nothing")[:3:2], (404, {"message": "Not Found"}))
        self.assertEqual(self.gc("PATCH", "/products/217001")[0], 405)


class GCommerceReadTest(GCommerceTestCase):
    def test_list_envelope_strings_and_default_page(self):
        status, _, body = self.gc("GET", "/products")
        self.assertEqual(status, 200)
        self.assertEqual(len(body["products"]), 10)
        self.assertEqual(body["params"]["total_items"], "57")
        self.assertEqual(body["products"][0], {
            "product_id": "217001", "product": "3D Printer", "min_qty": "1", "product_code": "WDG-001",
            "product_upc_code": "000740000001", "status": "A", "amount": "53", "weight": "1.250",
            "timestamp": "1613580205", "price": "42.250000", "category_ids": [8212], "main_category": 8212})

    def test_paging_and_cap(self):
        _, _, body = self.gc("GET", "/products?page=6&items_per_page=10")
        self.assertEqual([p["product_id"] for p in body["products"]], [str(217051 + i) for i in range(7)])
        self.assertEqual((body["params"]["page"], body["params"]["items_per_page"]), (6, 10))
        status, _, body = self.gc("GET", "/products?items_per_page=101")
        self.assertEqual(status, 413)
        self.assertEqual(self.gc("GET", "/products?page=0")[0], 400)

    def test_product_search_filters_and_sorting(self):
        def ids(query):
            status, _, body = self.gc("GET", "/products?items_per_page=100&" + query)
            self.assertEqual(status, 200, body)
            return [int(p["product_id"]) for p in body["products"]]
        self.assertEqual(ids("q=cotton&pname=Y"), [217033])
        self.assertEqual(ids("q=WDG-01&pcode=Y"), list(range(217010, 217020)))
        self.assertEqual(ids("q=WDG-01&pname=Y"), [])
        self.assertEqual(ids("q=printer%20bulk"), [217034, 217035, 217036, 217037, 217039, 217040, 217041])
        self.assertEqual(ids("price_from=40&price_to=50"), [217001, 217012, 217055])
        self.assertEqual(ids("amount_to=0"), [217009, 217018, 217027, 217036, 217045, 217054])
        self.assertEqual(ids("cid=8212&status=D"), [217040])
        self.assertEqual(len(ids("cid=8214&subcats=Y")), 20)  # 8215, 8216 and 8219 (disabled categories too)
        self.assertEqual(ids("cid=8214"), [])
        self.assertEqual(ids("order_ids=1005"), [217026, 217037, 217048])
        self.assertEqual(ids("price_to=30&sort_by=price&sort_order=desc"), [217033, 217022, 217011])
        self.assertEqual(self.gc("GET", "/products?sort_by=weight")[0], 400)

    def test_product_detail(self):
        status, _, body = self.gc("GET", "/products/217005")
        self.assertEqual(status, 200)
        self.assertEqual((body["product_id"], body["free_shipping"], body["list_price"], body["price"]),
                         (217005, "Y", "228.30", "190.250000"))
        self.assertEqual(self.gc("GET", "/products/1")[:3:2], (404, {"message": "Product not found"}))

    def test_categories(self):
        _, _, body = self.gc("GET", "/categories?items_per_page=100")
        self.assertEqual(len(body["categories"]), 10)
        self.assertEqual(body["categories"][0], {"category_id": "8210", "category": "Office Supplies", "status": "A"})
        _, _, body = self.gc("GET", "/categories/8212")
        self.assertEqual(body, {"category_id": "8212", "parent_id": "8211", "id_path": "8210/8211/8212",
                                "level": "3", "status": "A", "lang_code": "en", "category": "3D Printers",
                                "description": "Additive manufacturing"})

    def test_orders_list_filters_and_detail(self):
        _, _, body = self.gc("GET", "/orders?items_per_page=3")
        self.assertEqual([o["order_id"] for o in body["orders"]], ["1012", "1011", "1010"])
        self.assertEqual((body["params"]["sort_by"], body["params"]["sort_order"]), ("date", "desc"))
        _, _, body = self.gc("GET", "/orders?email=jane.roe@example.com&sort_by=date&sort_order=asc")
        self.assertEqual([o["order_id"] for o in body["orders"]], ["1002", "1006", "1010"])
        _, _, body = self.gc("GET", "/orders?user_id=3&status=P")
        self.assertEqual([o["order_id"] for o in body["orders"]], ["1001"])
        _, _, order = self.gc("GET", "/orders/1005")
        self.assertEqual(sorted(order["products"]), ["2756910050", "2756910051", "2756910052"])
        self.assertEqual(order["products"]["2756910050"],
                         {"item_id": "2756910050", "order_id": "1005", "product_id": "217026",
                          "product_code": "WDG-026", "price": "167.50", "amount": "2", "product": "Receipt Printer",
                          "product_status": "A"})
        self.assertEqual((order["total"], order["shipping_cost"], order["shipment_ids"]), ("1594.25", "12.50", ["301"]))
        self.assertEqual(self.gc("GET", "/orders/999")[0], 404)

    def test_purchase_orders_and_shipments(self):
        _, _, body = self.gc("GET", "/purchase_orders?user_id=7")
        self.assertEqual([o["purchase_order_id"] for o in body["purchase_orders"]], ["4005", "4001"])
        self.assertNotIn("user_id", body["purchase_orders"][0])
        _, _, po = self.gc("GET", "/purchase_orders/4001")
        self.assertEqual((po["b_company"], po["b_email"], po["products"][0]["product_code"]),
                         ("SOCIAL GLASS INC", "operations@gcommerce.glass", "WDG-008"))
        _, _, body = self.gc("GET", "/shipments")
        self.assertEqual([s["shipment_id"] for s in body["shipments"]], ["303", "302", "301"])
        _, _, body = self.gc("GET", "/shipments?order_id=1003")
        self.assertEqual(body["shipments"][0]["carrier_info"],
                         {"name": "UPS", "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"})
        _, _, s = self.gc("GET", "/shipments/301")
        self.assertEqual((s["user_id"], s["products"]), ("3", {"2756910050": "2", "2756910051": "3",
                                                               "2756910052": "4"}))


class GCommerceWriteTest(GCommerceTestCase):
    def test_create_update_delete_product(self):
        status, _, body = self.gc("POST", "/products", {"product": "New product", "product_code": "PRD_9345",
                                                        "price": 125.55, "category_ids": [8219], "amount": 1000})
        self.assertEqual((status, body), (200, {"product_id": 217058}))
        _, _, p = self.gc("GET", "/products/217058")
        self.assertEqual((p["price"], p["amount"], p["main_category"], p["status"]), ("125.550000", "1000", 8219, "A"))
        self.assertEqual(self.gc("POST", "/products", {"price": 1, "category_ids": [8219]})[0], 400)
        self.assertEqual(self.gc("POST", "/products", {"product": "x", "main_category": 1})[0], 400)
        self.assertEqual(self.gc("PUT", "/products/217058", {"product": "Renamed", "amount": 5})[2],
                         {"product_id": 217058})
        self.assertEqual(self.sim.apis["gcommerce"].products[217058]["product"], "Renamed")
        self.assertEqual(self.gc("PUT", "/products/217058", {"status": "X"})[0], 400)
        self.assertEqual(self.gc("DELETE", "/products/217058")[:3:2], (204, None))
        self.assertEqual(self.gc("DELETE", "/products/217058")[0], 404)

    def test_form_encoded_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/gcommerce/shipments",
                     body="order_id=1002&products[2756910020]=1&carrier=usps&tracking_number=1",
                     headers=dict(AUTH, **{"Content-Type": "application/x-www-form-urlencoded"}))
        resp = conn.getresponse()
        self.assertEqual((resp.status, resp.read()), (200, b'{"shipment_id":304}'))
        conn.close()

    def test_bulk_update(self):
        status, _, body = self.gc("POST", "/products_bulk", [
            {"product_id": 217001, "vendor_price": 159.54, "amount": 2600, "abilityone": "Y"},
            {"code": "WDG-002", "amount": 0}])
        self.assertEqual(status, 200)
        self.assertEqual(body, [{"product_id": 217001, "code": "WDG-001",
                                 "updates": {"prices": True, "amount": True, "abilityone": True}},
                                {"product_id": 217002, "code": "WDG-002", "updates": {"amount": True}}])
        products = self.sim.apis["gcommerce"].products
        self.assertEqual((str(products[217001]["price"]), products[217001]["amount"], products[217002]["amount"]),
                         ("159.54", 2600, 0))
        # Validated whole: nothing is applied when one item is wrong.
        status, _, body = self.gc("POST", "/products_bulk", [{"product_id": 217001, "amount": 1},
                                                             {"product_id": 1, "amount": 1}])
        self.assertEqual(status, 400)
        self.assertIn("product 1 does not exist", body["message"])
        self.assertEqual(products[217001]["amount"], 2600)
        self.assertEqual(self.gc("POST", "/products_bulk", [{"amount": 1}])[0], 400)
        self.assertEqual(self.gc("POST", "/products_bulk", [{"product_id": 217001, "amount": -1}])[0], 400)
        self.assertEqual(self.gc("POST", "/products_bulk", [{"product_id": 217001}] * 1001)[0], 413)

    def test_order_status(self):
        self.assertEqual(self.gc("PUT", "/order_status/1002", {"status": "K"})[2], {"order_id": 1002})
        self.assertEqual(self.gc("GET", "/orders/1002")[2]["status"], "K")
        self.assertEqual(self.gc("PUT", "/order_status/1002", {"status": "Z"})[0], 400)
        self.assertEqual(self.gc("PUT", "/order_status/1002", {})[0], 400)
        self.assertEqual(self.gc("PUT", "/order_status/999", {"status": "K"})[0], 404)

    def test_ship_an_order(self):
        status, _, body = self.gc("POST", "/shipments", {
            "carrier": "ups", "order_id": 1002, "products": {"2756910020": 1}, "shipping_id": 44,
            "tracking_number": "2432423423", "comments": "", "status": "S", "order_status": "J"})
        self.assertEqual((status, body), (200, {"shipment_id": 304}))
        _, _, s = self.gc("GET", "/shipments/304")
        self.assertEqual((s["order_id"], s["products"], s["status"], s["one_full"]),
                         ("1002", {"2756910020": "1"}, "S", False))
        _, _, order = self.gc("GET", "/orders/1002")
        self.assertEqual((order["status"], order["shipment_ids"]), ("J", ["304"]))
        # Item 2756910020 holds 3: two are left.
        self.assertEqual(self.gc("POST", "/shipments", {"order_id": 1002, "products": {"2756910020": 3}})[0], 400)
        self.assertEqual(self.gc("POST", "/shipments", {"order_id": 1002, "products": {"1": 1}})[0], 400)
        self.assertEqual(self.gc("POST", "/shipments", {"order_id": 999, "products": {"1": 1}})[0], 400)
        self.assertEqual(self.gc("POST", "/shipments", {"order_id": 1002})[0], 400)
        self.assertEqual(self.gc("PUT", "/shipments/304", {"status": "A"})[2], {"shipment_id": 304})
        self.assertEqual(self.gc("PUT", "/shipments/304", {"status": "Q"})[0], 400)
        self.assertEqual(self.gc("DELETE", "/shipments/304")[0], 204)
        self.assertEqual(self.gc("GET", "/orders/1002")[2]["shipment_ids"], [])

    def test_products_feed(self):
        status, _, body = self.gc("POST", "/products_feed", {"items": [
            {"product": "3D Printer XL", "code": "B1224059", "price": 132.33, "amount": 150, "category_ids": "8212"}]})
        self.assertEqual(status, 200)
        self.assertIn("queue_id", body)
        self.assertEqual(self.sim.apis["gcommerce"].products[217058]["product_code"], "B1224059")

    def test_products_feed_checks_every_item_first_and_keeps_its_attributes(self):
        status, _, _ = self.gc("POST", "/products_feed", {"items": [
            {"product": "Good", "category_ids": "8213", "price": 1},
            {"product": "Bad", "category_ids": "9999", "price": 1}]})
        self.assertEqual(status, 400)
        self.assertNotIn(217058, self.sim.apis["gcommerce"].products)
        status, _, body = self.gc("POST", "/products_feed", {"items": [
            {"product": "Dryer", "code": "F-1", "category_ids": "8212,8211", "upc": "0123", "brand": "Dell",
             "abilityone": "Y", "images": "https://x.test/1.jpg///https://x.test/2.jpg"}]})
        self.assertEqual(status, 200)
        p = self.sim.apis["gcommerce"].products[217058]
        self.assertEqual((p["category_ids"], p["product_upc_code"], p["extra"]["brand"]), ([8212, 8211], "0123", "Dell"))
        view = self.gc("GET", "/products/217058")[2]
        self.assertEqual(view["main_pair"]["detailed"]["image_path"], "https://x.test/1.jpg")
        self.assertEqual(view["image_pairs"][0]["detailed"]["image_path"], "https://x.test/2.jpg")
        self.assertIn('"items":1', self.simctl("state", "gcommerce", "feeds"))
        status, _, _ = self.gc("POST", "/products_feed", {"items": [{"product": "x", "category_ids": "8213"}] * 10001})
        self.assertEqual(status, 413)

    def test_bulk_update_takes_upc_as_the_upc_code(self):
        status, _, body = self.gc("POST", "/products_bulk", [{"product_id": 217001, "upc": "012345678905",
                                                             "manufacturer_name": "Dell"}])
        self.assertEqual(status, 200)
        self.assertEqual(body[0]["updates"], {"upc": True, "manufacturer_name": True})
        self.assertEqual(self.gc("GET", "/products/217001")[2]["product_upc_code"], "012345678905")

    def test_product_seo_and_image_fields(self):
        self.gc("PUT", "/products/217001", {"page_title": "T", "avail_since": 1796000000,
                                             "main_pair": {"detailed": {"image_path": "https://x.test/a.jpg"}}})
        view = self.gc("GET", "/products/217001")[2]
        self.assertEqual((view["page_title"], view["avail_since"]), ("T", "1796000000"))
        self.assertEqual(view["main_pair"]["detailed"]["image_path"], "https://x.test/a.jpg")

    def test_state(self):
        out = self.simctl("state", "gcommerce", "products", "--code", "WDG-033")
        self.assertIn('"product":"100% Cotton Gloves"', out)
        self.assertEqual(self.simctl("state", "gcommerce", "shipments", "--order-id", "1010").count("\n"), 1)
        self.assertEqual(self.simctl("state", "gcommerce", "orders", "--status", "K").count("\n"), 1)


if __name__ == "__main__":
    unittest.main()
