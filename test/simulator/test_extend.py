"""Tests of the simulator's Extend API: run with
``python3 -m unittest discover -s test/simulator -p 'test_*.py' -v``."""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_sim import SimTestCase  # noqa: E402

BASE = "/extend/RESTAPI/v1_0/ACME"
AUTH = {"ExtendBasicAuthorization": "Basic " + base64.b64encode(b"extend-user:extend-pass").decode()}


class ExtendTestCase(SimTestCase):
    def get(self, path, **kw):
        kw.setdefault("headers", AUTH)
        return self.request("GET", BASE + path, **kw)

    def post(self, path, body, **kw):
        kw.setdefault("headers", AUTH)
        return self.request("POST", BASE + path, body, **kw)

    def put(self, path, body, **kw):
        kw.setdefault("headers", AUTH)
        return self.request("PUT", BASE + path, body, **kw)


class ExtendAccessTest(ExtendTestCase):
    def test_auth_header(self):
        for headers in ({}, {"ExtendBasicAuthorization": "Basic " + base64.b64encode(b"extend-user:x").decode()},
                        {"Authorization": AUTH["ExtendBasicAuthorization"]}):
            status, _, body = self.get("/Products", headers=headers)
            self.assertEqual(status, 401)
            self.assertEqual(body, {"Message": "Authorization has been denied for this request."})
        status, resp, _ = self.get("/Products")
        self.assertEqual(status, 200)
        self.assertEqual(resp.getheader("x-ratelimit-limit"), "300")

    def test_log_records_presence_of_the_header_only(self):
        self.get("/Products?pageCount=1")
        entry = self.sim.log.list("extend")[-1]
        self.assertTrue(entry["extend_basic_authorization"])
        self.assertNotIn("extend-pass", str(entry))

    def test_client_segment_and_case_insensitive_names(self):
        status, _, body = self.request("GET", "/extend/RESTAPI/v1_0/OTHER/Products", headers=AUTH)
        self.assertEqual((status, body), (404, {"Message": "Unknown client 'OTHER'."}))
        status, _, body = self.get("/customerorders/100001")
        self.assertEqual(status, 200)
        self.assertEqual(body["orderHeader"]["orderNumber"], "100001")
        status, _, body = self.get("/Products?PAGECOUNT=2")
        self.assertEqual(len(body), 2)
        # several clients (accounts) share the data
        self.sim.config.set("extend.client", "ACME,NORTH")
        status, _, body = self.request("GET", "/extend/RESTAPI/v1_0/NORTH/Products?pageCount=2", headers=AUTH)
        self.assertEqual((status, len(body)), (200, 2))


class ExtendReadTest(ExtendTestCase):
    def test_prices_need_a_customer_and_take_ten_products(self):
        status, _, body = self.get("/ProductPrices")
        self.assertEqual((status, body), (400, {"Message": "customerNumber is required."}))
        many = "&".join("productNumberList=ART-%d" % n for n in range(1001, 1012))
        status, _, body = self.get("/ProductPrices?customerNumber=10001&" + many)
        self.assertEqual(status, 400)
        ten = "&".join("productNumberList=ART-%d" % n for n in range(1001, 1011))
        status, _, body = self.get("/ProductPrices?customerNumber=10001&" + ten)
        self.assertEqual(status, 200)
        self.assertEqual({i["productNumber"] for i in body["productPriceItemList"]},
                         {"ART-%d" % n for n in range(1001, 1011)})

    def test_prices_differ_per_customer_and_page_by_number(self):
        _, _, first = self.get("/ProductPrices?customerNumber=10001")
        self.assertEqual(first["paginationInfo"], {"currentPage": 1, "totalPages": 2, "pageSize": 50,
                                                   "totalResources": 53, "message": None})
        _, _, second = self.get("/ProductPrices?customerNumber=10001&pageNumber=2")
        self.assertEqual(len(second["productPriceItemList"]), 3)
        _, _, other = self.get("/ProductPrices?customerNumber=10003&productNumberList=ART-1001")
        _, _, mine = self.get("/ProductPrices?customerNumber=10001&productNumberList=ART-1001")
        self.assertEqual(mine["productPriceItemList"][0]["price"], 144)
        self.assertEqual(other["productPriceItemList"][0]["price"], 160)
        _, _, eur = self.get("/ProductPrices?customerNumber=10002&currency=EUR&productNumberList=ART-1001")
        self.assertEqual(eur["productPriceItemList"][0]["currency"], "EUR")

    def test_availability_changed_since_is_inclusive(self):
        _, _, body = self.get("/ProductAvailability?modifiedDateFrom=2026-11-22T12:00:00")
        self.assertEqual(body["paginationInfo"]["totalResources"], 8)
        self.assertTrue(all(r["changeDate"] >= "2026-11-22T12:00:00" for r in body["productAvailabilityList"]))
        _, _, body = self.get("/ProductAvailability")
        self.assertEqual(body["paginationInfo"]["totalResources"], 68)
        status, _, body = self.get("/ProductAvailability?modifiedDateFrom=yesterday")
        self.assertEqual((status, body), (400, {"Message": "The value 'yesterday' is not valid for modifiedDateFrom."}))

    def test_bare_array_lists_page_by_offset(self):
        _, _, page = self.get("/Products?pageCount=15&pageOffset=2")
        self.assertEqual(len(page), 10)
        self.assertEqual(page[0]["productNumber"], "ART-1031")
        _, _, orders = self.get("/CustomerOrders")
        self.assertEqual(len(orders), 25)
        self.assertNotIn("orderRows", orders[0])

    def test_single_objects(self):
        status, _, body = self.get("/Products/KIT%2040%2FB")
        self.assertEqual(status, 200)
        self.assertEqual(body["productData"]["productName"], "Reservdelskit Ö")
        status, _, body = self.get("/Products/NOPE")
        self.assertEqual(status, 404)
        self.assertIn("Message", body)
        _, _, order = self.get("/CustomerOrders/100002")
        self.assertEqual(set(order), {"orderHeader", "orderRows", "shipments"})  # PartiallyDelivered
        self.assertEqual(len(order["orderRows"]), 3)
        self.assertEqual([r["position"] for r in order["shipments"][0]["rows"]], [1])
        _, _, order = self.get("/CustomerOrders/100001")  # Reserved: nothing shipped
        self.assertEqual(order["shipments"], [])
        _, _, customer = self.get("/Customers/10012")
        self.assertEqual((customer["blocked"], customer["customerGroup"]), (True, "Retail"))
        _, _, rows = self.get("/Products?supplierNumber=SUP-2&supplyMode=Warehouse")
        self.assertEqual(len(rows), 14)

    def test_order_filters(self):
        _, _, rows = self.get("/CustomerOrders?orderDateFrom=2026-10-15T00:00:00&orderDateTo=2026-10-31T23:59:59")
        self.assertEqual([o["orderNumber"] for o in rows], [str(n) for n in range(100008, 100017)])
        _, _, rows = self.get("/CustomerOrders?orderNumberExternal=WEB-5007")
        self.assertEqual([o["orderNumber"] for o in rows], ["100007"])


class ExtendWriteTest(ExtendTestCase):
    ORDER = {"orderHeader": {"customerNumber": "10003", "orderNumberExternal": "GC-1"},
             "orderRows": [{"product": {"productNumber": "ART-1001"}, "salesData": {"quantity": 2}}]}

    def test_order_for_an_unknown_customer_is_a_400(self):
        body = {"orderHeader": {"customerNumber": "99999"}, "orderRows": self.ORDER["orderRows"]}
        status, _, answer = self.post("/CustomerOrders", body)
        self.assertEqual((status, answer), (400, {"Message": "Customer '99999' does not exist."}))
        self.assertEqual(len(self.sim.apis["extend"].orders), 25)

    def test_order_is_placed_and_duplicates_are_accepted(self):
        status, _, answer = self.post("/CustomerOrders", self.ORDER)
        self.assertEqual(status, 201)
        self.assertEqual(answer["orderHeader"]["orderNumber"], "100026")
        self.assertEqual(answer["orderHeader"]["orderStatus"], "Created")
        self.assertEqual(answer["orderRows"][0]["salesData"]["unitPrice"], 160)  # the customer's price
        self.post("/CustomerOrders", self.ORDER)
        _, _, rows = self.get("/CustomerOrders?orderNumberExternal=GC-1")
        self.assertEqual(len(rows), 2)

    def test_order_validation(self):
        for body, message in (({}, "orderHeader is required."),
                              ({"orderHeader": {"customerNumber": "10001"}}, "orderRows must hold at least one row."),
                              ({"orderHeader": {"customerNumber": "10001"},
                                "orderRows": [{"product": {"productNumber": "X"}, "salesData": {"quantity": 1}}]},
                               "Product 'X' does not exist."),
                              ({"orderHeader": {"customerNumber": "10001"},
                                "orderRows": [{"product": {"productNumber": "ART-1001"}, "salesData": {}}]},
                               "orderRows[0].salesData.quantity must be greater than 0.")):
            status, _, answer = self.post("/CustomerOrders", body)
            self.assertEqual((status, answer), (400, {"Message": message}))

    def test_customers_create_and_edit(self):
        status, _, created = self.post("/Customers", {"name": "Ny AB", "creditLimit": "100"})
        self.assertEqual(status, 201)
        self.assertEqual((created["customerNumber"], created["creditLimit"]), ("10013", "100.00"))
        status, _, answer = self.post("/Customers", {"customerNumber": "10001", "name": "Dup"})
        self.assertEqual((status, answer), (400, {"Message": "Customer number '10001' already exists."}))
        status, _, answer = self.post("/Customers", {"email2": "x@y"})
        self.assertEqual((status, answer), (400, {"Message": "name is required."}))
        status, _, edited = self.put("/Customers/10013", {"phoneNumber2": "070"})
        self.assertEqual((status, edited["phoneNumber2"], edited["name"]), (200, "070", "Ny AB"))
        status, _, _ = self.put("/Customers/99999", {"name": "x"})
        self.assertEqual(status, 404)
        self.assertIn('"phoneNumber2":"070"', self.simctl("state", "extend", "customers", "--customer-number", "10013"))


if __name__ == "__main__":
    unittest.main()


class ExtendStockLevelAndProductTest(ExtendTestCase):
    def test_product_list_items_have_no_change_date(self):
        _, _, page = self.get("/Products?modifiedDateFrom=2026-11-06T00:00:00")
        self.assertEqual([p["productNumber"] for p in page], ["ART-1037", "ART-1038", "ART-1039", "KIT 40/B"])
        self.assertFalse(any("modifiedDate" in p or "changeDate" in p for p in page))
        _, _, page = self.get("/Products?modifiedDateFrom=2026-11-06T00:00:00&modifiedDateTo=2026-11-07T08:00:00")
        self.assertEqual([p["productNumber"] for p in page], ["ART-1037", "ART-1038"])
        _, _, page = self.get("/Products?productName=oak%20chair%20classic&warehouse=MAIN")
        self.assertEqual([p["productNumber"] for p in page], ["ART-1001"])
        _, _, detail = self.get("/Products/ART-1037")
        self.assertEqual(detail["productDates"]["changedDate"], "2026-11-06T08:00:00+00:00")

    def test_stock_levels(self):
        status, _, body = self.get("/WarehouseStockLevels")
        self.assertEqual(status, 400)
        _, _, body = self.get("/WarehouseStockLevels?warehouse=GBG")
        self.assertEqual(body["paginationInfo"]["totalResources"], 20)
        _, _, body = self.get("/WarehouseStockLevels?warehouse=MAIN&productNumber=ART-1002")
        self.assertEqual(body["stockLevelItemList"], [
            {"warehouse": "MAIN", "productNumber": "ART-1002", "customerProductNumber": "WDG-002", "notes": None,
             "balance": 20, "warehouseName": "Stockholm central"}])
        status, _, body = self.post("/WarehouseStockLevels", {"warehouse": "MAIN", "productNumber": "ART-1002",
                                                              "balance": 7})
        self.assertEqual((status, body["Message"]), (200, "Stock level set."))
        self.put("/WarehouseStockLevels", {"warehouse": "MAIN", "productNumber": "ART-1002", "balanceDifference": -3})
        _, _, body = self.get("/WarehouseStockLevels?warehouse=MAIN&productNumber=ART-1002")
        self.assertEqual(body["stockLevelItemList"][0]["balance"], 4)
        status, _, body = self.post("/WarehouseStockLevels", {"warehouse": "XX", "productNumber": "ART-1002",
                                                              "balance": 1})
        self.assertEqual((status, body["Information"]), (400, "Warehouse 'XX' does not exist."))
