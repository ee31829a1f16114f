#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (test/fuzz/corpus/*) from real
answers of the bundled simulator plus a few hand-made tricky inputs.

Run once after an API's answers change; the corpora are committed, so the
fuzz run never needs the simulator.
"""
import base64
import http.client
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")

AUTH = {
    "glance": {"Authorization": "Bearer glance-test-key"},
    "gcommerce": {"Authorization": "Basic " + base64.b64encode(b"vendor@example.com:gcommerce-test-key").decode()},
    "extend": {"ExtendBasicAuthorization": "Basic " + base64.b64encode(b"extend-user:extend-pass").decode()},
    "glocher": {},
}

# (seed name, header, [paths]): the header names api/resource/mode[/value]
# (see fuzz_scan.cpp); each path's answer becomes one body, in order.
SCANS = [
    ("glance-inventory-pages", "glance/inventory/0", ["/inventory?page=1&limit=5", "/inventory?page=2&limit=5"]),
    ("glance-inventory-eager", "glance/inventory/1", ["/inventory?page=1&limit=3", "/inventory?page=2&limit=3"]),
    ("glance-inventory-count", "glance/inventory/2", ["/inventory?page=1&limit=1"]),
    ("glance-inventory-id", "glance/inventory/3/7", ["/inventory/7"]),
    ("glance-products", "glance/products/0", ["/products?page=1&limit=5"]),
    ("glance-products-sku", "glance/products/9/SKU-1", ["/products/sku/SKU-1"]),
    ("glance-clients", "glance/clients/5", ["/clients?page=1&limit=3"]),
    ("glance-documents", "glance/documents/0", ["/documents?page=1&limit=3"]),
    ("glance-warehouses", "glance/warehouses/0", ["/warehouses"]),
    ("gcommerce-products", "gcommerce/products/0", ["/products?page=1&items_per_page=3", "/products/217001"]),
    ("gcommerce-products-list", "gcommerce/products/6", ["/products?page=1&items_per_page=4"]),
    ("gcommerce-orders", "gcommerce/orders/6", ["/orders?page=1&items_per_page=3"]),
    ("gcommerce-order-items", "gcommerce/order_items/3/1001", ["/orders/1001"]),
    ("gcommerce-categories", "gcommerce/categories/6", ["/categories?page=1&items_per_page=5"]),
    ("gcommerce-shipments", "gcommerce/shipments/6", ["/shipments?page=1&items_per_page=3"]),
    ("extend-products", "extend/products/6", ["/RESTAPI/v1_0/ACME/Products?pageCount=3&pageOffset=0"]),
    ("extend-customers", "extend/customers/0", ["/RESTAPI/v1_0/ACME/Customers?pageNumber=1&pageSize=3"]),
    ("extend-orders", "extend/customer_orders/6", ["/RESTAPI/v1_0/ACME/CustomerOrders?pageCount=2&pageOffset=0"]),
    ("extend-availability", "extend/product_availability/0",
     ["/RESTAPI/v1_0/ACME/ProductAvailability?pageNumber=1&pageSize=3"]),
    ("extend-prices", "extend/product_prices/3/10001",
     ["/RESTAPI/v1_0/ACME/ProductPrices?customerNumber=10001&pageNumber=1&pageSize=3"]),
]
GLOCHER = [
    ("glocher-stock", "glocher/stock/0", ["/getStock?id=42&token={token}"]),
    ("glocher-carts", "glocher/carts/0", ["/getPendingCarts?id=42&token={token}"]),
    ("glocher-shop", "glocher/shop/0", ["/getShop?id=42&token={token}"]),
    ("glocher-categories", "glocher/categories/0", ["/getCategories?id=42&token={token}"]),
]

TRICKY_JSON = {
    "numbers": b'[0,-0,1e400,-1e-400,12345678901234567890,0.1000000000000000055511151231257827,'
               b'1E+2,-9223372036854775808,9223372036854775808,2147483648,-2147483649,1.5,"12","-1","1e3"]',
    "strings": b'["","\\u0000x","\\ud83d\\ude00","\\ud800","Y","N","true","1","0","2024-02-29",'
               b'"2024-13-40","1700000000","-1","{1,2}","[1,2]","caf\\u00e9"]',
    "deep": b"[" * 600 + b"]" * 600,
    "deep-ok": b'{"a":' * 200 + b"1" + b"}" * 200,
    "invalid-utf8": b'{"name":"\xc3\x28","sku":"\xff\xfe","ok":"\xe2\x82\xac"}',
    "truncated": b'{"data":[{"id":1,"name":"a',
    "dup-keys": b'{"data":[{"id":1,"id":2}],"pagination":{"total":1.5,"hasMore":true}}',
    "envelopes": b'{"success":false,"error":{"status":401,"message":"x"},"status":"ERR","message":[["token","bad"]]}',
}
TRICKY_SCAN = {
    "never-ending": b'glance/inventory/0\x1e{"success":true,"data":[{"id":1}],"pagination":{"page":1,"limit":1,"total":9223372036854775807,"hasMore":true}}',
    "huge-total": b'glance/inventory/0\x1e{"success":true,"data":[{"id":1},{"id":2}],"pagination":{"page":1,"limit":2,"total":9223372036854775807,"hasMore":true}}',
    "bad-total": b'glance/inventory/1\x1e{"success":true,"data":[{"id":1},{"id":2}],"pagination":{"total":-5,"pages":-1}}',
    "scalar-items": b'gcommerce/products/0\x1e{"products":[1,"a",null,[]],"params":{"total_items":"x"}}',
    "error-status": b'glocher/stock/0\x1e@500 {"status":"ERR","message":"no"}',
    "login-then-empty": b'glocher/carts/0\x1e{"status":"OK","data":{"token":"t"}}\x1e\x1e@200 null',
    "dot-key": b'glance/products/9/..\x1e@404 {"success":false}',
    "extend-array": b'extend/products/0\x1e[{"productNumber":"A"},{"productNumber":"B"}]\x1e[]',
}
URLS = [b"https://api.glance.co.il/v1", b"http://[::1]:8080/x/", b"https://user:pw@host/", b"A/B?C&D=E F",
        b"q=a b&page=2&&=x", b"..", b"%2e%2E%zz%", b"https://h:99999", b"2024-02-29 23:59:59.999999+00",
        b"%Pro_X%", b"t", b"https://HOST.example.COM:443/p?q#f", b"http://127.0.0.1.evil.com/",
        b"200421-20042121-0"]  # once: signed overflow in canonical_to_epoch


def trim(body, keep=4):
    """A large answer cut to its first `keep` list items, so seeds stay small."""
    if len(body) < 16384 or body.startswith(b"@"):
        return body
    def cut(v):
        if isinstance(v, list):
            return [cut(x) for x in v[:keep]]
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v
    return json.dumps(cut(json.loads(body)), ensure_ascii=False, separators=(",", ":")).encode()


def write(kind, name, data):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    sim = subprocess.Popen([sys.executable, os.path.join(ROOT, "test/simulator/sim.py"), "--port", "0"],
                           stdout=subprocess.PIPE, text=True)
    try:
        port = None
        for line in sim.stdout:
            m = re.search(r"listening on (\d+)", line)
            if m:
                port = m.group(1)
                break
        base = "http://127.0.0.1:%s" % port

        def get(api, path, method="GET", body=None):
            # http.client keeps header names as written (the simulator reads them so)
            conn = http.client.HTTPConnection("127.0.0.1", int(port))
            headers = dict(AUTH[api], **({"Content-Type": "application/json"} if body else {}))
            conn.request(method, "/" + api + path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            conn.close()
            data = trim(data)
            return data if r.status == 200 else b"@%03d " % r.status + data

        login = get("glocher", "/auth", "POST", json.dumps({"email": "api@glocher.test", "pwd": "glocher-test-pass"}).encode())
        token = json.loads(login)["data"]["token"]
        for name, header, paths in SCANS:
            bodies = [get(header.split("/")[0], p) for p in paths]
            write("scan", name, header.encode() + b"".join(b"\x1e" + b for b in bodies))
            for i, b in enumerate(bodies):
                if not b.startswith(b"@"):
                    write("json", "%s-%d" % (name, i), b)
        for name, header, paths in GLOCHER:
            bodies = [login] + [get("glocher", p.format(token=token)) for p in paths]
            write("scan", name, header.encode() + b"".join(b"\x1e" + b for b in bodies))
            write("json", name, bodies[-1])
    finally:
        sim.terminate()
        sim.wait()
    for name, data in TRICKY_JSON.items():
        write("json", name, data)
    for name, data in TRICKY_SCAN.items():
        write("scan", name, data)
    for i, data in enumerate(URLS):
        write("url", "url-%02d" % i, data)


if __name__ == "__main__":
    main()
