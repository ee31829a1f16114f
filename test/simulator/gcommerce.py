"""The G-Commerce Marketplace API (``https://gcommerce.glass/api``), served
under ``/gcommerce``.

Follows the G-Commerce documentation (a CS-Cart Multi-Vendor marketplace):
HTTP Basic auth with the vendor admin's email and API key; list envelopes
``{<resource>: [...], "params": {page, items_per_page, ..., "total_items"}}``
paged with ``page`` / ``items_per_page`` (default 10); numbers, ids and
epoch-second timestamps sent as strings in lists; an order's ``products`` an
object keyed by item id; errors ``{"message": "..."}``; request bodies as JSON
or form-encoded; and the limit of 10 requests a minute, answered with 429 and
``Retry-After``.

Seed data (the same for every seed; see the README's G-Commerce section):

* categories 8210..8219: 8210 "Office Supplies" > 8211 "Printers" > 8212
  "3D Printers", 8210 > 8213 "Paper"; 8214 "Safety" > 8215 "Protective
  Clothing", 8216 "Masks", 8219 "Gloves" (disabled); 8217 "Cleaning" (hidden)
  > 8218 "Disinfectants";
* products 217001..217057 with codes ``WDG-001``..``WDG-057`` (the vendor
  uses its Glance SKUs), described in ``product_seed``; the next product is
  217058;
* orders 1001..1012 with one to three items each (item ids ``2756910000 +
  10 * n + k``); purchase orders 4001..4006; shipments 301..303; the next
  shipment is 304.
"""

import base64
import decimal
import math
import threading
import time
import urllib.parse

from core import BadRequest, Response, Router, SimAPI, plain

D = decimal.Decimal

# Order statuses: CS-Cart's defaults plus K (accepted) and J (shipped) from the API doc.
ORDER_STATUSES = {"P": "Processed", "C": "Complete", "O": "Open", "F": "Failed", "D": "Declined",
                  "B": "Backordered", "I": "Cancelled", "Y": "Awaiting call", "K": "Accepted", "J": "Shipped"}
PRODUCT_STATUSES = ("A", "D", "H")
SHIPMENT_STATUSES = ("P", "A", "S")  # picked up, packed, shipped
CARRIERS = {
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=%s"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum=%s"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr=%s"),
    "dhl": ("DHL", "https://www.dhl.com/en/express/tracking.html?AWB=%s"),
}
SHIPPINGS = {
    "44": {"shipping_id": "44", "shipping": "Standard Shipping", "delivery_time": "1-3 business days",
           "description": ""},
    "45": {"shipping_id": "45", "shipping": "Express Shipping", "delivery_time": "1 business day",
           "description": ""},
}

CATEGORIES = [
    # id, name, parent, status, description
    (8210, "Office Supplies", 0, "A", "Everything an office runs on"),
    (8211, "Printers", 8210, "A", None),
    (8212, "3D Printers", 8211, "A", "Additive manufacturing"),
    (8213, "Paper", 8210, "A", None),
    (8214, "Safety", 0, "A", None),
    (8215, "Protective Clothing", 8214, "A", None),
    (8216, "Masks", 8214, "A", "Respirators and masks"),
    (8217, "Cleaning", 0, "H", None),
    (8218, "Disinfectants", 8217, "A", None),
    (8219, "Gloves", 8214, "D", None),
]

# The catalogue: products 1..33 are these; 34..57 are the first 24 again as "... - Bulk Pack".
BASE_PRODUCTS = [
    ("3D Printer", 8212), ("Laser Printer", 8211), ("Inkjet Printer", 8211), ("Label Printer", 8211),
    ("Disposable Safety Clothing Isolation Hazmat Suit", 8215), ("Photo Printer", 8211),
    ("3D Printer Filament PLA", 8212), ("3D Printer Resin", 8212), ("3D Scanner", 8212),
    ("Copy Paper A4", 8213), ("Copy Paper Letter", 8213), ("Photo Paper Glossy", 8213),
    ("Label Sheets", 8213), ("Certified KN95 FDA EUA Approved", 8216), ("Surgical Mask", 8216),
    ("Face Shield", 8216), ("N95 Respirator", 8216), ("Lab Coat", 8215), ("Shoe Covers", 8215),
    ("Safety Vest", 8215), ("Hand Sanitizer", 8218), ("Disinfectant Wipes", 8218), ("Surface Spray", 8218),
    ("Nitrile Gloves", 8219), ("Latex Gloves", 8219), ("Receipt Printer", 8211), ("Notebook", 8213),
    ("Stapler", 8210), ("Desk Organizer", 8210), ("Ballpoint Pens", 8210), ("Whiteboard Markers", 8210),
    ("Café Ünïcode Mug", 8210), ("100% Cotton Gloves", 8219),
]
PRODUCT_COUNT = 57
FIRST_PRODUCT_ID = 217001

CUSTOMERS = [
    # user_id, firstname, lastname, email, phone
    ("3", "John", "Doe", "john.doe@domain.com", "(000)-000-0000"),
    ("7", "Jane", "Roe", "Jane.Roe@Example.com", "555-0107"),
    ("12", "Ann", "Lee", "ann.lee@example.com", "555-0112"),
    ("0", "Bob", "Guest", "bob@example.com", ""),
]
ORDER_STATUS_SEED = ["P", "O", "C", "K", "J", "B", "P", "O", "I", "C", "P", "Y"]
ORDER_BASE_TIME = 1738318797  # 2025-01-31 10:19:57 UTC, the API doc's order timestamp
PO_STATUS_SEED = ["O", "C", "O", "P", "O", "D"]


def money(value, places=2):
    return str(D(value).quantize(D(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP))


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def product_seed(n):
    """Product n (1..57): facts the tests rely on.

    product_id 217000+n, code WDG-%03d (the SKUs Glance uses); name from
    BASE_PRODUCTS (n > 33: the name of product n-33 plus " - Bulk Pack");
    price 5 + (n*37 % 400) + (n % 4)/4, so every price differs; amount
    n*53 % 250, 0 for every ninth;
    status D when n % 10 == 0, H when n % 15 == 0 (so 30 is D), else A;
    category_ids the main category, plus 8210 when n % 4 == 0 and the main
    one is another; free shipping when n % 5 == 0.
    """
    base, main = BASE_PRODUCTS[(n - 1) if n <= 33 else (n - 34)]
    name = base if n <= 33 else base + " - Bulk Pack"
    price = D(5 + (n * 37) % 400) + D(n % 4) / 4
    amount = 0 if n % 9 == 0 else (n * 53) % 250
    status = "D" if n % 10 == 0 else "H" if n % 15 == 0 else "A"
    categories = [main] + ([8210] if n % 4 == 0 and main != 8210 else [])
    return {
        "product_id": FIRST_PRODUCT_ID - 1 + n,
        "product": name,
        "product_code": "WDG-%03d" % n,
        "product_upc_code": "0%011d" % (740000000 + n),
        "status": status,
        "amount": amount,
        "min_qty": 1 if n % 6 else 5,
        "weight": D(n % 7) + D("0.25"),
        "price": price,
        "list_price": (price * D("1.2")).quantize(D("0.01")),
        "timestamp": 1612975405 + n * 7 * 86400,
        "category_ids": categories,
        "main_category": main,
        "full_description": "<p>%s, item %d of the catalogue</p>" % (name, n),
        "short_description": "",
        "free_shipping": "Y" if n % 5 == 0 else "N",
        "extra": {},
    }


class GcraLimiter:
    """The API's request budget per credentials: ``per_minute`` requests a
    minute, of which up to ``burst`` may come at once (a generic cell rate
    algorithm). ``hit`` returns 0 when the request may pass, else the seconds
    until it would."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tat = {}

    def hit(self, key, per_minute, burst, now=None):
        if per_minute <= 0:
            return 0
        now = time.monotonic() if now is None else now
        interval = 60.0 / per_minute
        tolerance = (max(1, burst) - 1) * interval
        with self.lock:
            tat = max(self.tat.get(key, now), now)
            if tat - now > tolerance + 1e-9:
                return tat - tolerance - now
            self.tat[key] = tat + interval
            return 0

    def reset(self):
        with self.lock:
            self.tat = {}


def parse_form(text):
    """A form-encoded body as CS-Cart reads it: ``a[b]=1`` nests, ``a[]=1`` appends."""
    out = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        parts = [key.split("[", 1)[0]] + [p.rstrip("]") for p in key.split("[")[1:]]
        node = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                if part == "":
                    raise BadRequest("Invalid form field %s" % key)
                if isinstance(node, list):
                    node.append(value)
                else:
                    node[part] = value
                break
            nxt = parts[i + 1]
            if isinstance(node, list):
                raise BadRequest("Invalid form field %s" % key)
            if nxt == "":
                node = node.setdefault(part, [])
                node.append(value)
                break
            node = node.setdefault(part, {})
    return out


class GCommerceAPI(SimAPI):
    prefix = "gcommerce"
    config_defaults = {
        "email": "vendor@example.com",
        "api_key": "gcommerce-test-key",
        # The documented limit; tests raise it (or set 0: none) to run fast.
        "rate_limit_per_minute": 10,
        # Requests of the minute's budget that may come at once.
        "rate_limit_burst": 10,
        # Largest items_per_page; a larger one is answered 413.
        "page_cap": 100,
        "default_items_per_page": 10,
        # "Now" for created shipments and status changes (epoch seconds).
        "now": 1795435200,  # 2026-11-23 12:00:00 UTC
    }

    def __init__(self, config):
        super().__init__(config)
        self.limiter = GcraLimiter()
        r = Router()
        r.add("GET", "/categories", self.list_categories)
        r.add("GET", "/categories/:id", self.get_category)
        r.add("GET", "/products", self.list_products)
        r.add("POST", "/products", self.create_product)
        r.add("GET", "/products/:id", self.get_product)
        r.add("PUT", "/products/:id", self.update_product)
        r.add("DELETE", "/products/:id", self.delete_product)
        r.add("POST", "/products_bulk", self.bulk_update)
        r.add("POST", "/products_feed", self.products_feed)
        r.add("GET", "/orders", self.list_orders)
        r.add("GET", "/orders/:id", self.get_order)
        r.add("PUT", "/order_status/:id", self.set_order_status)
        r.add("GET", "/purchase_orders", self.list_purchase_orders)
        r.add("GET", "/purchase_orders/:id", self.get_purchase_order)
        r.add("GET", "/shipments", self.list_shipments)
        r.add("POST", "/shipments", self.create_shipment)
        r.add("GET", "/shipments/:id", self.get_shipment)
        r.add("PUT", "/shipments/:id", self.update_shipment)
        r.add("DELETE", "/shipments/:id", self.delete_shipment)
        self.router = r

    # ------------------------------------------------------------------ seed

    def reset(self, seed):
        self.limiter.reset()
        self.categories = {}
        for cid, name, parent, status, description in CATEGORIES:
            path = [cid]
            while parent:
                path.insert(0, parent)
                parent = next(c[2] for c in CATEGORIES if c[0] == parent)
            self.categories[cid] = {"category_id": cid, "parent_id": path[-2] if len(path) > 1 else 0,
                                    "id_path": "/".join(str(p) for p in path), "level": len(path),
                                    "status": status, "lang_code": "en", "category": name,
                                    "description": description}
        self.products = {}
        for n in range(1, PRODUCT_COUNT + 1):
            p = product_seed(n)
            self.products[p["product_id"]] = p
        self.next_product_id = FIRST_PRODUCT_ID + PRODUCT_COUNT
        self.feeds = []  # the bulk uploads received, in order
        self.feed_count = 0
        self.orders = {}
        for n in range(1, 13):
            o = self._seed_order(n)
            self.orders[o["order_id"]] = o
        self.purchase_orders = {}
        for n in range(1, 7):
            po = self._seed_purchase_order(n)
            self.purchase_orders[po["purchase_order_id"]] = po
        self.shipments = {}
        self.next_shipment_id = 301
        for order_id, carrier, tracking, status in ((1005, "usps", "9400111899560000000005", "S"),
                                                    (1003, "ups", "1Z999AA10123456784", "S"),
                                                    (1010, "fedex", "449044304137821", "P")):
            order = self.orders[order_id]
            self._add_shipment(order, {k: v["amount"] for k, v in order["products"].items()}, carrier, tracking,
                               status, "", 44, order["timestamp"] + 86400)

    def _seed_order(self, n):
        user_id, first, last, email, phone = CUSTOMERS[(n - 1) % len(CUSTOMERS)]
        order_id = 1000 + n
        items = {}
        for k in range(1 + n % 3):
            product = self.products[FIRST_PRODUCT_ID + (n * 5 + k * 11) % PRODUCT_COUNT]
            item_id = 2756910000 + 10 * n + k
            items[item_id] = {"item_id": item_id, "order_id": order_id, "product_id": product["product_id"],
                              "product_code": product["product_code"], "price": D(product["price"]).quantize(D("0.01")),
                              "amount": 1 + (n + k) % 4, "product": product["product"],
                              "product_status": product["status"]}
        subtotal = sum(i["price"] * i["amount"] for i in items.values())
        shipping_cost = D("0.00") if n % 4 == 0 else D("12.50")
        created = ORDER_BASE_TIME + (n - 1) * 2 * 86400 + n * 3600
        address = {"firstname": first, "lastname": last, "address": "%d Belfast Ave" % (10 + n), "address_2": "",
                   "city": "Mandeville", "county": "", "state": "LA", "country": "US", "zipcode": "70191",
                   "phone": phone}
        return {
            "order_id": order_id, "user_id": user_id, "firstname": first, "lastname": last, "email": email,
            "phone": phone, "status": ORDER_STATUS_SEED[n - 1], "timestamp": created,
            "updated_at": created + 3600, "subtotal": subtotal, "discount": D(0), "shipping_cost": shipping_cost,
            "total": subtotal + shipping_cost, "notes": "Leave at the front desk" if n % 5 == 0 else None,
            "billing": dict(address), "shipping_address": dict(address),
            "payment_method": {"payment_id": "32", "payment": "PO", "description": "", "instructions": ""},
            "shipping_id": "44" if n % 3 else "45", "products": items, "shipment_ids": [],
        }

    def _seed_purchase_order(self, n):
        user_id, first, last, email, phone = CUSTOMERS[n % len(CUSTOMERS)]
        product = self.products[FIRST_PRODUCT_ID + (n * 7) % PRODUCT_COUNT]
        amount = 1 + n % 3
        price = D(product["price"]).quantize(D("0.01"))
        items = [{"item_id": str(2756919650 + n), "product_code": product["product_code"],
                  "product_id": str(product["product_id"]), "product": product["product"], "amount": str(amount),
                  "price": money(price), "subtotal": money(price * amount),
                  "image_url": "https://gcommerce.glass/images/detailed/%s.jpg" % product["product_code"],
                  "product_url": "https://gcommerce.glass/%s.html" % product["product_code"].lower()}]
        address = {"company": "SOCIAL GLASS INC" if n % 2 else "", "firstname": first, "lastname": last,
                   "address": "415 Mission Street", "address_2": "Floor %d" % (30 + n), "city": "San Francisco",
                   "county": "", "state": "CA", "country": "US", "zipcode": "94105", "phone": phone}
        return {
            "purchase_order_id": 4000 + n, "user_id": user_id, "timestamp": 1741004749 + n * 86400,
            "status": PO_STATUS_SEED[n - 1], "subtotal": price * amount, "total": price * amount,
            "firstname": first, "lastname": last, "email": email, "phone": phone,
            "notes": "Deliver before noon" if n == 2 else "", "shipping": [SHIPPINGS["44"]], "products": items,
            "billing": dict(address, email="operations@gcommerce.glass"), "shipping_address": dict(address),
        }

    # ------------------------------------------------------------ envelopes

    def error_response(self, status, message, req=None):
        return Response.json(status, {"message": message})

    def _auth_key(self, req):
        auth = req.header("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, key = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user, key

    def handle(self, req):
        wait = self.limiter.hit(req.header("Authorization") or "", self.cfg("rate_limit_per_minute"),
                                self.cfg("rate_limit_burst"))
        if wait > 0:
            resp = self.error_response(429, "Too Many Requests: the API allows %d requests per minute"
                                       % self.cfg("rate_limit_per_minute"))
            resp.add_header("Retry-After", max(1, math.ceil(wait)))
            return resp
        creds = self._auth_key(req)
        if creds is None or creds != (self.cfg("email"), self.cfg("api_key")):
            resp = self.error_response(401, "Unauthorized")
            resp.add_header("WWW-Authenticate", 'Basic realm="G-Commerce API"')
            return resp
        handler, params = self.router.match(req.method, req.segments)
        if handler is None:
            if any(self.router.match(m, req.segments)[0] for m in ("GET", "POST", "PUT", "DELETE")):
                return self.error_response(405, "Method Not Allowed")
            return self.error_response(404, "Not Found")
        try:
            return handler(req, **params)
        except ApiError as exc:
            return self.error_response(exc.status, exc.message)

    def body(self, req):
        """The request body: JSON, or form fields (nested as CS-Cart reads them)."""
        ctype = (req.header("Content-Type") or "").lower()
        if ctype.startswith("application/x-www-form-urlencoded"):
            return parse_form(req.text)
        return req.json()

    def object_body(self, req):
        data = self.body(req)
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be an object")
        return data

    def _int_param(self, req, name, default):
        value = req.param(name)
        if value in (None, ""):
            return default
        if not value.isdigit() or int(value) < 1:
            raise ApiError(400, "Invalid value of %s: %s" % (name, value))
        return int(value)

    def paged(self, req, resource, rows, view, extra_params=None, sort=None):
        """One page of rows in the {resource: [...], params: {...}} envelope."""
        page = self._int_param(req, "page", 1)
        per_page = self._int_param(req, "items_per_page", self.cfg("default_items_per_page"))
        if per_page > self.cfg("page_cap"):
            raise ApiError(413, "Request Entity Too Large: items_per_page may be at most %d" % self.cfg("page_cap"))
        chunk = rows[(page - 1) * per_page:page * per_page]
        params = {"page": page, "items_per_page": per_page}
        for key, value in req.params:
            if key not in params:
                params[key] = value
        if sort:
            params["sort_by"], params["sort_order"] = sort
        params.update(extra_params or {})
        params["total_items"] = str(len(rows))
        return Response.json(200, {resource: [view(r) for r in chunk], "params": params})

    def _sorted(self, req, rows, keys, default_by, default_order):
        """Rows sorted by sort_by / sort_order (ties in id order)."""
        by = req.param("sort_by") or default_by
        order = (req.param("sort_order") or default_order).lower()
        if by not in keys:
            raise ApiError(400, "Invalid sort_by: %s" % by)
        if order not in ("asc", "desc"):
            raise ApiError(400, "Invalid sort_order: %s" % order)
        rows = sorted(rows, key=keys["id"])
        rows = sorted(rows, key=keys[by], reverse=order == "desc")
        return rows, (by, order)

    def _now(self):
        return self.cfg("now")

    # ----------------------------------------------------------- categories

    def list_categories(self, req):
        rows = [c for _, c in sorted(self.categories.items())]
        return self.paged(req, "categories", rows,
                          lambda c: {"category_id": str(c["category_id"]), "category": c["category"],
                                     "status": c["status"]})

    def category_view(self, c):
        return {"category_id": str(c["category_id"]), "parent_id": str(c["parent_id"]), "id_path": c["id_path"],
                "level": str(c["level"]), "status": c["status"], "lang_code": c["lang_code"],
                "category": c["category"], "description": c["description"]}

    def get_category(self, req, id):
        c = self.categories.get(int(id)) if id.isdigit() else None
        if c is None:
            raise ApiError(404, "Category not found")
        return Response.json(200, self.category_view(c))

    # ------------------------------------------------------------- products

    def product_list_view(self, p):
        return {
            "product_id": str(p["product_id"]), "product": p["product"], "min_qty": str(p["min_qty"]),
            "product_code": p["product_code"], "product_upc_code": p["product_upc_code"], "status": p["status"],
            "amount": str(p["amount"]), "weight": money(p["weight"], 3), "timestamp": str(p["timestamp"]),
            "price": money(p["price"], 6), "category_ids": list(p["category_ids"]),
            "main_category": p["main_category"],
        }

    def product_view(self, p):
        """A product as GET /products/:id shows it (the detail fields too;
        avail_since only when set)."""
        out = {
            "min_items_in_box": 0, "max_items_in_box": 0, "box_length": 0, "box_width": 0, "box_height": 0,
            "product_id": p["product_id"], "product_code": p["product_code"],
            "product_upc_code": p["product_upc_code"], "status": p["status"], "amount": str(p["amount"]),
            "weight": money(p["weight"], 3), "shipping_freight": "0.00", "timestamp": str(p["timestamp"]),
            "free_shipping": p["free_shipping"], "min_qty": str(p["min_qty"]), "list_qty_count": "0",
            "average_rating": "0.00", "featured": "0", "external_product_id": None, "inventory_location": "US",
            "lang_code": "en", "product": p["product"], "shortname": "",
            "short_description": p["short_description"], "full_description": p["full_description"],
            "meta_keywords": "", "meta_description": p.get("meta_description", ""), "search_words": "",
            "page_title": p.get("page_title", ""),
            "price": money(p["price"], 6), "list_price": money(p["list_price"], 2),
            "category_ids": list(p["category_ids"]), "main_category": p["main_category"],
            "image_pairs": p.get("image_pairs", []), "main_pair": p.get("main_pair", []), "product_features": [],
            "premoderation_reason": "",
        }
        if p.get("lang_code"):
            out["lang_code"] = p["lang_code"]
        if p.get("avail_since"):
            out["avail_since"] = str(p["avail_since"])
        return out

    def _product(self, id):
        p = self.products.get(int(id)) if id.isdigit() else None
        if p is None:
            raise ApiError(404, "Product not found")
        return p

    def _category_tree(self, cid):
        """cid and its subcategories."""
        out = {cid}
        for c in self.categories.values():
            if str(cid) in c["id_path"].split("/"):
                out.add(c["category_id"])
        return out

    def list_products(self, req):
        rows = list(self.products.values())
        q = req.param("q")
        if q:
            fields = [f for flag, f in (("pname", "product"), ("pshort", "short_description"),
                                        ("pfull", "full_description"), ("pcode", "product_code"))
                      if req.param(flag) == "Y"] or ["product"]
            words = q.lower().split()

            def found(p):
                text = " ".join(str(p[f]) for f in fields).lower()
                return all(w in text for w in words)
            rows = [p for p in rows if found(p)]
        cid = req.param("cid")
        if cid:
            if not cid.isdigit():
                raise ApiError(400, "Invalid value of cid: %s" % cid)
            wanted = self._category_tree(int(cid)) if req.param("subcats") == "Y" else {int(cid)}
            rows = [p for p in rows if wanted & set(p["category_ids"] + [p["main_category"]])]
        for name, field, op in (("amount_from", "amount", "ge"), ("amount_to", "amount", "le"),
                                ("price_from", "price", "ge"), ("price_to", "price", "le")):
            value = req.param(name)
            if value in (None, ""):
                continue
            try:
                bound = D(value)
            except decimal.InvalidOperation:
                raise ApiError(400, "Invalid value of %s: %s" % (name, value)) from None
            rows = [p for p in rows if (p[field] >= bound if op == "ge" else p[field] <= bound)]
        status = req.param("status")
        if status:
            rows = [p for p in rows if p["status"] == status]
        free = req.param("free_shipping")
        if free:
            rows = [p for p in rows if p["free_shipping"] == free]
        order_ids = req.param("order_ids")
        if order_ids:
            wanted = set()
            for oid in order_ids.split(","):
                order = self.orders.get(int(oid)) if oid.strip().isdigit() else None
                if order:
                    wanted |= {i["product_id"] for i in order["products"].values()}
            rows = [p for p in rows if p["product_id"] in wanted]
        keys = {"id": lambda p: p["product_id"], "product": lambda p: p["product"], "price": lambda p: p["price"],
                "code": lambda p: p["product_code"], "amount": lambda p: p["amount"], "status": lambda p: p["status"],
                "timestamp": lambda p: p["timestamp"]}
        rows, sort = self._sorted(req, rows, keys, "id", "asc")
        return self.paged(req, "products", rows, self.product_list_view, sort=sort)

    def get_product(self, req, id):
        return Response.json(200, self.product_view(self._product(id)))

    def _number(self, body, key, integer=False, minimum=None):
        value = body.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise ApiError(400, "Invalid value of %s" % key)
        try:
            number = D(str(value).strip())
        except decimal.InvalidOperation:
            raise ApiError(400, "Invalid value of %s: %s" % (key, value)) from None
        if not number.is_finite() or (integer and number != number.to_integral_value()):
            raise ApiError(400, "Invalid value of %s: %s" % (key, value))
        if minimum is not None and number < minimum:
            raise ApiError(400, "%s must not be less than %s" % (key, minimum))
        return int(number) if integer else number

    def _apply_product(self, p, body):
        if "product" in body:
            if not isinstance(body["product"], str) or not body["product"].strip():
                raise ApiError(400, "Product name must not be empty")
            p["product"] = body["product"]
        for key in ("product_code", "product_upc_code", "full_description", "short_description"):
            if key in body:
                p[key] = "" if body[key] is None else str(body[key])
        for key in ("lang_code", "page_title", "meta_description"):
            if key in body:
                p[key] = "" if body[key] is None else str(body[key])
        if "avail_since" in body:
            p["avail_since"] = self._number(body, "avail_since", integer=True, minimum=0)
        for key in ("main_pair", "image_pairs"):
            if key in body:
                value = body[key]
                if value is not None and not isinstance(value, (dict, list)):
                    raise ApiError(400, "Invalid value of %s: an image pair object is expected" % key)
                p[key] = value if value is not None else []
        if "status" in body:
            if body["status"] not in PRODUCT_STATUSES:
                raise ApiError(400, "Invalid status: %s (A, D or H)" % body["status"])
            p["status"] = body["status"]
        if "free_shipping" in body:
            if body["free_shipping"] not in ("Y", "N"):
                raise ApiError(400, "Invalid value of free_shipping: %s (Y or N)" % body["free_shipping"])
            p["free_shipping"] = body["free_shipping"]
        for key, integer, minimum in (("amount", True, 0), ("min_qty", True, 0), ("price", False, 0),
                                      ("list_price", False, 0), ("weight", False, 0)):
            if key in body:
                value = self._number(body, key, integer, minimum)
                if value is None:
                    raise ApiError(400, "Invalid value of %s: null" % key)
                p[key] = value
        if "category_ids" in body:
            ids = body["category_ids"]
            if isinstance(ids, str):
                ids = [i for i in ids.split(",") if i.strip()]
            if not isinstance(ids, list) or not ids:
                raise ApiError(400, "category_ids must be a non-empty list of category ids")
            cats = [self._category_id(i) for i in ids]
            p["category_ids"] = cats
            if "main_category" not in body and p.get("main_category") not in cats:
                p["main_category"] = cats[0]
        if "main_category" in body:
            main = self._category_id(body["main_category"])
            p["main_category"] = main
            if main not in p.setdefault("category_ids", []):
                p["category_ids"].insert(0, main)

    def _category_id(self, value):
        try:
            cid = int(str(value))
        except ValueError:
            raise ApiError(400, "Invalid category id: %s" % value) from None
        if cid not in self.categories:
            raise ApiError(400, "Category %d does not exist" % cid)
        return cid

    def create_product(self, req):
        body = self.object_body(req)
        if not isinstance(body.get("product"), str) or not body["product"].strip():
            raise ApiError(400, "Product name (product) is required")
        p = {"product_id": self.next_product_id, "product": "", "product_code": "", "product_upc_code": "",
             "status": "A", "amount": 0, "min_qty": 0, "weight": D(0), "price": D(0), "list_price": D(0),
             "timestamp": self._now(), "category_ids": [], "main_category": None, "full_description": "",
             "short_description": "", "free_shipping": "N", "extra": {}}
        self._apply_product(p, body)
        if p["main_category"] is None:
            raise ApiError(400, "A product needs a category (category_ids or main_category)")
        self.products[p["product_id"]] = p
        self.next_product_id += 1
        return Response.json(200, {"product_id": p["product_id"]})

    def update_product(self, req, id):
        p = self._product(id)
        body = self.object_body(req)
        updated = dict(p, category_ids=list(p["category_ids"]))
        self._apply_product(updated, body)
        self.products[p["product_id"]] = updated
        return Response.json(200, {"product_id": p["product_id"]})

    def delete_product(self, req, id):
        p = self._product(id)
        del self.products[p["product_id"]]
        return Response(204, b"", content_type=None)

    def bulk_update(self, req):
        items = self.body(req)
        if not isinstance(items, list):
            raise ApiError(400, "The request body must be a list of products")
        if len(items) > 1000:
            raise ApiError(413, "Only 1,000 products can be updated at a time")
        # Validated whole before anything is applied.
        plan = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise ApiError(400, "Item %d is not an object" % index)
            p = None
            if item.get("product_id") is not None:
                pid = self._number(item, "product_id", integer=True)
                p = self.products.get(pid)
                if p is None:
                    raise ApiError(400, "Item %d: product %s does not exist" % (index, item["product_id"]))
            elif item.get("code") is not None:
                matches = [x for x in self.products.values() if x["product_code"] == str(item["code"])]
                if len(matches) != 1:
                    raise ApiError(400, "Item %d: code %s does not identify one product" % (index, item["code"]))
                p = matches[0]
            else:
                raise ApiError(400, "Item %d needs a product_id or a code" % index)
            changes = {}
            if "vendor_price" in item:
                price = self._number(item, "vendor_price", minimum=0)
                if price is None:
                    raise ApiError(400, "Item %d: invalid vendor_price" % index)
                changes["price"] = price
            if "amount" in item:
                amount = self._number(item, "amount", integer=True, minimum=0)
                if amount is None:
                    raise ApiError(400, "Item %d: invalid amount" % index)
                changes["amount"] = amount
            if "upc" in item:
                changes["product_upc_code"] = "" if item["upc"] is None else str(item["upc"])
            if "abilityone" in item and item["abilityone"] not in ("Y", "N"):
                raise ApiError(400, "Item %d: invalid value of abilityone (Y or N)" % index)
            extra = {k: plain(v) for k, v in item.items()
                     if k not in ("product_id", "code", "vendor_price", "amount", "upc")}
            plan.append((p, changes, extra))
        results = []
        for p, changes, extra in plan:
            p.update(changes)
            p["extra"].update(extra)
            updates = {}
            if "price" in changes:
                updates["prices"] = True
            if "amount" in changes:
                updates["amount"] = True
            if "product_upc_code" in changes:
                updates["upc"] = True
            updates.update({k: True for k in extra})
            results.append({"product_id": p["product_id"], "code": p["product_code"], "updates": updates})
        return Response.json(200, results)

    # Attributes of a feed item kept as they come (no answer shows them; the
    # simulator's state does).
    FEED_EXTRA = ("unit_of_measure", "manufacturer_name", "manufacturer_part_number", "country_of_origin",
                  "unspsc", "eccn", "brand", "abilityone", "made_in_usa", "green_product")

    def products_feed(self, req):
        """The bulk upload: up to 10,000 new products, answered with a queue
        id. The real API processes the queue later (and mails the vendor);
        the simulator checks every item first, then creates them all at once."""
        body = self.object_body(req)
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "items must be a non-empty list")
        if len(items) > 10000:
            raise ApiError(413, "Only 10,000 items can be uploaded at a time")
        built = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise ApiError(400, "Item %d is not an object" % index)
            fields = dict(item)
            if "code" in fields:
                fields["product_code"] = fields.pop("code")
            if "upc" in fields:
                fields["product_upc_code"] = fields.pop("upc")
            p = {"product_id": self.next_product_id + index, "product": "", "product_code": "",
                 "product_upc_code": "", "status": "A", "amount": 0, "min_qty": 0, "weight": D(0), "price": D(0),
                 "list_price": D(0), "timestamp": self._now(), "category_ids": [], "main_category": None,
                 "full_description": "", "short_description": "", "free_shipping": "N", "extra": {}}
            self._apply_product(p, {k: v for k, v in fields.items() if k in (
                "product", "product_code", "product_upc_code", "full_description", "price", "amount", "weight",
                "free_shipping", "category_ids")})
            if not p["product"] or p["main_category"] is None:
                raise ApiError(400, "Item %d: every item needs a product name and category_ids" % index)
            for flag in ("abilityone", "made_in_usa", "green_product"):
                if flag in fields and fields[flag] not in ("Y", "N"):
                    raise ApiError(400, "Item %d: invalid value of %s (Y or N)" % (index, flag))
            urls = [u for u in str(fields.get("images") or "").split("///") if u]
            if urls:
                p["main_pair"] = {"detailed": {"image_path": urls[0]}}
                p["image_pairs"] = [{"position": n, "detailed": {"image_path": u}} for n, u in enumerate(urls[1:], 1)]
            p["extra"] = {k: plain(fields[k]) for k in self.FEED_EXTRA if k in fields}
            built.append(p)
        self.feed_count += 1
        queue_id = "67729687564%05d" % self.feed_count
        for p in built:
            self.products[p["product_id"]] = p
        self.next_product_id += len(built)
        self.feeds.append({"queue_id": queue_id, "items": len(built),
                           "first_product_id": built[0]["product_id"], "last_product_id": built[-1]["product_id"]})
        return Response.json(200, {"queue_id": queue_id})

    # --------------------------------------------------------------- orders

    def order_list_view(self, o):
        return {"order_id": str(o["order_id"]), "timestamp": str(o["timestamp"]), "user_id": o["user_id"],
                "firstname": o["firstname"], "lastname": o["lastname"], "email": o["email"], "phone": o["phone"],
                "status": o["status"], "total": money(o["total"])}

    def order_view(self, o):
        """An order as GET /orders/:id shows it: the products object is keyed by item id."""
        out = {"order_id": str(o["order_id"]), "user_id": o["user_id"], "total": money(o["total"]),
               # The API writes these two as JSON numbers, the others as strings.
               "subtotal": D(money(o["subtotal"])), "discount": 0, "subtotal_discount": 0, "payment_surcharge": 0,
               "shipping_ids": o["shipping_id"], "shipping_cost": money(o["shipping_cost"]),
               "timestamp": str(o["timestamp"]), "status": o["status"], "notes": o["notes"], "details": None,
               "promotions": [], "promotion_ids": "", "firstname": o["firstname"], "lastname": o["lastname"]}
        for prefix, address in (("b_", o["billing"]), ("s_", o["shipping_address"])):
            for key, value in address.items():
                out[prefix + key] = value
        out.update({
            "s_address_type": "", "phone": o["phone"], "fax": "", "url": "", "email": o["email"], "payment_id": "32",
            "lang_code": "en", "repaid": "0", "validation_code": "", "po_number": "", "payment_terms": "",
            "updated_at": str(o["updated_at"]), "payment_method": o["payment_method"],
            "products": {str(k): {"item_id": str(i["item_id"]), "order_id": str(i["order_id"]),
                                  "product_id": str(i["product_id"]), "product_code": i["product_code"],
                                  "price": money(i["price"]), "amount": str(i["amount"]), "product": i["product"],
                                  "product_status": i["product_status"]}
                         for k, i in o["products"].items()},
            "taxes": [], "tax_subtotal": 0, "display_shipping_cost": money(o["shipping_cost"]),
            "b_country_descr": "United States", "s_country_descr": "United States",
            "b_state_descr": "Louisiana", "s_state_descr": "Louisiana", "need_shipping": True, "shipping": [SHIPPINGS[o["shipping_id"]]],
            "shipment_ids": [str(s) for s in o["shipment_ids"]], "secondary_currency": "USD",
            "display_subtotal": D(money(o["subtotal"])), "payment_info": [], "total_weight": 0,
        })
        return out

    def _order(self, id):
        o = self.orders.get(int(id)) if str(id).isdigit() else None
        if o is None:
            raise ApiError(404, "Order not found")
        return o

    def _customer_filters(self, req, rows):
        status = req.param("status")
        if status:
            rows = [r for r in rows if r["status"] == status]
        email = req.param("email")
        if email:
            # MySQL compares emails without regard to case.
            rows = [r for r in rows if r["email"].lower() == email.lower()]
        user_id = req.param("user_id")
        if user_id:
            rows = [r for r in rows if r["user_id"] == user_id]
        return rows

    def list_orders(self, req):
        rows = self._customer_filters(req, list(self.orders.values()))
        keys = {"id": lambda o: o["order_id"], "date": lambda o: o["timestamp"], "status": lambda o: o["status"],
                "total": lambda o: o["total"]}
        rows, sort = self._sorted(req, rows, keys, "date", "desc")
        return self.paged(req, "orders", rows, self.order_list_view, sort=sort)

    def get_order(self, req, id):
        return Response.json(200, self.order_view(self._order(id)))

    def _order_status(self, value):
        if value not in ORDER_STATUSES:
            raise ApiError(400, "Invalid order status: %s (one of %s)" % (value, ", ".join(ORDER_STATUSES)))
        return value

    def set_order_status(self, req, id):
        o = self._order(id)
        body = self.object_body(req)
        if body.get("status") is None:
            raise ApiError(400, "status is required")
        o["status"] = self._order_status(body["status"])
        o["updated_at"] = self._now()
        return Response.json(200, {"order_id": o["order_id"]})

    # ------------------------------------------------------ purchase orders

    def po_list_view(self, po):
        return {"purchase_order_id": str(po["purchase_order_id"]), "timestamp": str(po["timestamp"]),
                "status": po["status"], "subtotal": money(po["subtotal"]), "total": money(po["total"]),
                "firstname": po["firstname"], "lastname": po["lastname"], "email": po["email"], "phone": po["phone"]}

    def po_view(self, po):
        out = self.po_list_view(po)
        out.update({"notes": po["notes"], "shipping": po["shipping"], "products": po["products"]})
        for prefix, address in (("b_", po["billing"]), ("s_", po["shipping_address"])):
            for key, value in address.items():
                out[prefix + key] = value
        return out

    def list_purchase_orders(self, req):
        rows = self._customer_filters(req, list(self.purchase_orders.values()))
        keys = {"id": lambda o: o["purchase_order_id"], "date": lambda o: o["timestamp"],
                "status": lambda o: o["status"], "total": lambda o: o["total"]}
        rows, sort = self._sorted(req, rows, keys, "date", "desc")
        return self.paged(req, "purchase_orders", rows, self.po_list_view, sort=sort)

    def get_purchase_order(self, req, id):
        po = self.purchase_orders.get(int(id)) if id.isdigit() else None
        if po is None:
            raise ApiError(404, "Purchase order not found")
        return Response.json(200, self.po_view(po))

    # ------------------------------------------------------------ shipments

    def shipment_view(self, s, detail=False):
        o = self.orders.get(s["order_id"])
        name, url = CARRIERS.get(s["carrier"], (s["carrier"].upper(), None))
        out = {"shipment_id": str(s["shipment_id"]), "shipment_timestamp": str(s["timestamp"]),
               "comments": s["comments"], "status": s["status"], "order_id": str(s["order_id"]),
               "order_timestamp": str(o["timestamp"]) if o else None,
               "s_firstname": o["shipping_address"]["firstname"] if o else "",
               "s_lastname": o["shipping_address"]["lastname"] if o else "",
               "firstname": o["firstname"] if o else "", "lastname": o["lastname"] if o else "", "company": ""}
        if detail:
            out["user_id"] = o["user_id"] if o else "0"
        out.update({"shipping_id": s["shipping_id"], "shipping": SHIPPINGS.get(s["shipping_id"], {}).get("shipping", ""),
                    "tracking_number": s["tracking_number"], "carrier": s["carrier"],
                    "products": {k: str(v) for k, v in s["products"].items()}, "group_key": 0,
                    "carrier_info": {"name": name, "tracking_url": url % s["tracking_number"] if url else ""},
                    "one_full": s["one_full"]})
        return out

    def _shipped(self, order, exclude=None):
        """Quantities of the order's items in its shipments."""
        out = {}
        for s in self.shipments.values():
            if s["order_id"] == order["order_id"] and s["shipment_id"] != exclude:
                for item, qty in s["products"].items():
                    out[item] = out.get(item, 0) + qty
        return out

    def _add_shipment(self, order, products, carrier, tracking, status, comments, shipping_id, timestamp):
        sid = self.next_shipment_id
        self.next_shipment_id += 1
        shipped = self._shipped(order)
        for item, qty in products.items():
            shipped[str(item)] = shipped.get(str(item), 0) + qty
        one_full = all(shipped.get(str(k), 0) >= i["amount"] for k, i in order["products"].items())
        self.shipments[sid] = {"shipment_id": sid, "timestamp": timestamp, "comments": comments, "status": status,
                               "order_id": order["order_id"], "shipping_id": str(shipping_id),
                               "tracking_number": tracking, "carrier": carrier,
                               "products": {str(k): v for k, v in products.items()}, "one_full": one_full}
        order["shipment_ids"].append(sid)
        return sid

    def list_shipments(self, req):
        rows = list(self.shipments.values())
        order_id = req.param("order_id")
        if order_id:
            rows = [s for s in rows if str(s["order_id"]) == order_id]
        status = req.param("status")
        if status:
            rows = [s for s in rows if s["status"] == status]
        keys = {"id": lambda s: s["shipment_id"], "status": lambda s: s["status"], "date": lambda s: s["timestamp"]}
        rows, sort = self._sorted(req, rows, keys, "id", "desc")
        return self.paged(req, "shipments", rows, self.shipment_view, sort=sort)

    def _shipment(self, id):
        s = self.shipments.get(int(id)) if id.isdigit() else None
        if s is None:
            raise ApiError(404, "Shipment not found")
        return s

    def get_shipment(self, req, id):
        return Response.json(200, self.shipment_view(self._shipment(id), detail=True))

    def _shipment_status(self, value):
        if value not in SHIPMENT_STATUSES:
            raise ApiError(400, "Invalid shipment status: %s (P, A or S)" % value)
        return value

    def create_shipment(self, req):
        body = self.object_body(req)
        if body.get("order_id") is None:
            raise ApiError(400, "order_id is required")
        order_id = self._number(body, "order_id", integer=True)
        order = self.orders.get(order_id)
        if order is None:
            raise ApiError(400, "Order %s does not exist" % body["order_id"])
        products = body.get("products")
        if not isinstance(products, dict) or not products:
            raise ApiError(400, "products must map the order's item ids to quantities")
        shipped = self._shipped(order)
        quantities = {}
        for item, qty in products.items():
            if str(item) not in {str(k) for k in order["products"]}:
                raise ApiError(400, "Item %s is not an item of order %d" % (item, order_id))
            qty = self._number(products, item, integer=True, minimum=1)
            left = order["products"][int(item)]["amount"] - shipped.get(str(item), 0)
            if qty > left:
                raise ApiError(400, "Item %s: only %d left to ship" % (item, left))
            quantities[str(item)] = qty
        status = self._shipment_status(body.get("status") or "P")
        order_status = body.get("order_status")
        if order_status is not None:
            self._order_status(order_status)
        carrier = str(body.get("carrier") or "").lower()
        shipping_id = body.get("shipping_id")
        sid = self._add_shipment(order, quantities, carrier, str(body.get("tracking_number") or ""), status,
                                 "" if body.get("comments") is None else str(body["comments"]),
                                 shipping_id if shipping_id is not None else order["shipping_id"], self._now())
        if order_status is not None:
            order["status"] = order_status
            order["updated_at"] = self._now()
        return Response.json(200, {"shipment_id": sid})

    def update_shipment(self, req, id):
        s = self._shipment(id)
        body = self.object_body(req)
        if body.get("status") is None:
            raise ApiError(400, "status is required")
        s["status"] = self._shipment_status(body["status"])
        return Response.json(200, {"shipment_id": s["shipment_id"]})

    def delete_shipment(self, req, id):
        s = self._shipment(id)
        del self.shipments[s["shipment_id"]]
        order = self.orders.get(s["order_id"])
        if order and s["shipment_id"] in order["shipment_ids"]:
            order["shipment_ids"].remove(s["shipment_id"])
        return Response(204, b"", content_type=None)

    # ---------------------------------------------------------------- state

    def state(self, collection, params):
        """Remote state for ``simctl state gcommerce <collection>``, as the
        single-object endpoints show it: categories (--id), products (--id,
        --code), orders (--id, --status), purchase_orders (--id), shipments
        (--id, --order-id)."""
        def pick(rows, checks):
            unknown = set(params) - set(checks)
            if unknown:
                raise ValueError("gcommerce %s cannot be filtered by %s (only: %s)"
                                 % (collection, ", ".join(sorted(unknown)), ", ".join(sorted(checks))))
            return [r for r in rows if all(str(get(r)) == params[k] for k, get in checks.items() if k in params)]

        if collection == "categories":
            rows = pick([c for _, c in sorted(self.categories.items())], {"id": lambda c: c["category_id"]})
            return [self.category_view(c) for c in rows]
        if collection == "products":
            rows = pick([p for _, p in sorted(self.products.items())],
                        {"id": lambda p: p["product_id"], "code": lambda p: p["product_code"]})
            return [dict(self.product_view(p), **p["extra"]) for p in rows]
        if collection == "feeds":
            return pick(list(self.feeds), {})
        if collection == "orders":
            rows = pick([o for _, o in sorted(self.orders.items())],
                        {"id": lambda o: o["order_id"], "status": lambda o: o["status"]})
            return [self.order_view(o) for o in rows]
        if collection == "purchase_orders":
            rows = pick([o for _, o in sorted(self.purchase_orders.items())],
                        {"id": lambda o: o["purchase_order_id"]})
            return [self.po_view(o) for o in rows]
        if collection == "shipments":
            rows = pick([s for _, s in sorted(self.shipments.items())],
                        {"id": lambda s: s["shipment_id"], "order-id": lambda s: s["order_id"]})
            return [self.shipment_view(s, detail=True) for s in rows]
        raise ValueError("gcommerce has no collection %r (categories, products, orders, purchase_orders, shipments)"
                         % collection)


API = GCommerceAPI
