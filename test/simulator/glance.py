"""The Glance API (``https://api.glance.co.il``), served under ``/glance``.

Follows the public Glance documentation: Bearer key auth, the
``{success, data, pagination}`` envelopes, ``page``/``limit`` paging capped at
100, rate-limit headers on every response, and the documented quirks (the
by-product inventory endpoint omits the product object, money fields of
products are decimal strings, create/edit of inventory answer a flat record).

Seed data (the same for a given seed; the facts below hold for every seed):

* warehouses 1 "Main Warehouse", 2 "Secondary Storage", 3 "Outlet";
* products 1..150, SKU ``WDG-001`` .. ``WDG-149``; product 1 is "Widget Pro";
  product 149 is named "Café Ünïcode"; product 150 has the SKU
  ``A/B?C&D=E F``; vendor ids cycle 1..5 (``vendorId = (id-1) % 5 + 1``);
  every sixth product (id % 6 == 0) is not physical; unit "kg" when
  id % 7 == 0 (such records may hold quantities like 2.5);
* inventory records 1..250: warehouse 1 holds products 1..100 (100 records),
  warehouse 2 exactly 80, warehouse 3 exactly 70; product 1 is in warehouses
  1 (record 1: 150 at "Shelf A3") and 2 (record 4: 30 at "Bin 7") only;
  product 2 has 80 at "Shelf A4" in warehouse 1; product 5 has no record in
  warehouse 3; the other records whose id is a multiple of 20 have no
  location;
* clients C-1001 .. C-1030 (tax ids ``500000001`` ..); C-1001 is
  "Existing Ltd", existing@example.com, COMPANY; C-1003 is a COMPANY with tax
  id 500000003; C-1002's email has capitals (Dana.Levi@Example.com);
* documents D-5001 .. D-5020 (visible ids; numbers 50001 ..), two a month
  from January 2026 (the 5th and the 20th); the invoices dated March to May
  are D-5005 and D-5008; open: the quotations, orders and invoices with an odd
  number (D-5001, D-5003, D-5005, D-5011, D-5013, D-5015);
* inventory movements 1..40, one every 12 hours from 2026-11-03T11:00:00Z
  (movement i at +12(i-1) hours): odd ones a "purchase" of +10 of product
  (i % 5) + 1 in warehouse 1, even ones a "sale" of -2 of product (i % 3) + 1 in
  warehouse 2 (movement 40 is at 2026-11-22T23:00:00Z, the 23rd in Israel); every inventory write
  adds one at the simulator's clock (today 12:00:00Z, one second later each).
  The movements list takes startDate/endDate as days in Israel time (UTC+2),
  as the Glance servers do.
"""

import datetime
import decimal
import random
import time
import uuid

from core import FixedWindowLimiter, Response, Router, SimAPI, plain

D = decimal.Decimal

WAREHOUSES = [
    {"id": 1, "name": "Main Warehouse", "code": "MAIN", "isActive": True, "isDefault": True},
    {"id": 2, "name": "Secondary Storage", "code": "SEC", "isActive": True, "isDefault": False},
    {"id": 3, "name": "Outlet", "code": "OUT", "isActive": True, "isDefault": False},
]
NOUNS = ["Widget", "Gadget", "Gizmo", "Sprocket", "Bracket", "Cable", "Adapter", "Valve", "Bolt", "Panel"]
VARIANTS = ["Pro", "Mini", "Max", "Lite", "Plus", "XL", "Classic", "Eco", "Ultra", "Basic"]
FIRST_NAMES = ["Dana", "Yossi", "Noa", "Avi", "Maya", "Eitan", "Tamar", "Omer", "Shira", "Lior",
               "Roni", "Gal", "Yael", "Itai", "Michal"]
LAST_NAMES = ["Levi", "Cohen", "Mizrahi", "Peretz", "Biton", "Friedman", "Azulay", "Katz", "Shapiro", "Golan"]
COMPANY_WORDS = ["Acme", "Northwind", "Blue Harbor", "Cedar", "Orion", "Summit", "Redwood", "Atlas",
                 "Harmony", "Vertex", "Beacon", "Pioneer"]
CLIENT_TYPES = ("MURSHE", "COMPANY", "PATOOR")
DOCUMENT_TYPES = ("quotation", "order", "delivery", "return", "invoice", "invoiceReceipt", "refund",
                  "bill", "receipt")
SEED_DOCUMENT_TYPES = ["invoice", "invoiceReceipt", "quotation", "order", "invoice", "receipt",
                       "invoiceReceipt", "invoice", "delivery", "refund", "invoice", "quotation",
                       "invoiceReceipt", "order", "invoice", "bill", "invoiceReceipt", "invoice",
                       "return", "invoice"]
PAYMENT_METHODS = ("cash", "check", "creditCard", "bankTransfer", "giftCard", "replacement", "note", "other")

ERROR_CODES = {400: "VALIDATION_ERROR", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               409: "CONFLICT", 422: "UNPROCESSABLE_ENTITY", 429: "RATE_LIMIT_EXCEEDED",
               500: "INTERNAL_ERROR", 502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE",
               504: "GATEWAY_TIMEOUT"}
UNAUTHORIZED_BODY = {"error": "Unauthorized", "message": "Invalid or missing API key", "statusCode": 401}


class ApiError(Exception):
    """An error answer: status, message and (for 400) zod-style issues."""

    def __init__(self, status, message, issues=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.issues = issues


def invalid(path, message):
    """A 400 with one issue; ``path`` is a list like ``["productId"]``."""
    return ApiError(400, "Validation failed", [{"path": list(path), "message": message}])


# ---- value checks (the API validates bodies strictly, like a zod schema)

def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, D)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def want_int(body, key, path=None, required=False):
    value = body.get(key)
    path = path or [key]
    if value is None:
        if required:
            raise invalid(path, "Required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, D)) or D(value) != D(value).to_integral_value():
        raise invalid(path, "Expected integer, received %s" % _type_name(value))
    return int(value)


def want_number(body, key, path=None, required=False):
    value = body.get(key)
    path = path or [key]
    if value is None:
        if required:
            raise invalid(path, "Required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, D)):
        raise invalid(path, "Expected number, received %s" % _type_name(value))
    return D(str(value))


def want_str(body, key, path=None, required=False):
    value = body.get(key)
    path = path or [key]
    if value is None:
        if required:
            raise invalid(path, "Required")
        return None
    if not isinstance(value, str):
        raise invalid(path, "Expected string, received %s" % _type_name(value))
    if required and value == "":
        raise invalid(path, "String must contain at least 1 character(s)")
    return value


def want_bool(body, key, path=None):
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid(path or [key], "Expected boolean, received %s" % _type_name(value))
    return value


def want_money(body, key):
    """A money field given as a number or a decimal string; stored as the
    API sends it: a string with (at least) two decimals."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, D, str)):
        raise invalid([key], "Expected number, received %s" % _type_name(value))
    try:
        amount = D(str(value).strip())
    except decimal.InvalidOperation:
        raise invalid([key], "Expected number, received string") from None
    if not amount.is_finite():
        raise invalid([key], "Expected number, received string")
    return money(amount)


def money(amount):
    amount = D(amount)
    if amount.as_tuple().exponent >= -2:
        return str(amount.quantize(D("0.01")))
    return str(amount)


def want_date(value, path):
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        datetime.date.fromisoformat(value)
    except ValueError:
        raise invalid(path, "Invalid date, expected YYYY-MM-DD") from None
    return value


def path_int(value, name):
    """A numeric path parameter."""
    if not value.isdigit():
        raise invalid([name], "Expected number, received nan")
    return int(value)


def contains(haystack, needle):
    return haystack is not None and needle in str(haystack).lower()


class GlanceAPI(SimAPI):
    prefix = "glance"
    config_defaults = {
        "api_key": "glance-test-key",
        # 0: not enforced (the headers still say 100 and never run low)
        "rate_limit_per_minute": 0,
        "rate_limit_per_second": 0,
        "page_cap": 100,
        "default_limit": 50,
        # "today" for document dates and created/updated timestamps
        "today": "2026-11-23",
    }

    def __init__(self, config):
        super().__init__(config)
        self.limiter = FixedWindowLimiter()
        r = Router()
        r.add("GET", "/inventory", self.list_inventory)
        r.add("POST", "/inventory/create", self.create_inventory)
        r.add("POST", "/inventory/adjust", self.adjust_inventory)
        r.add("GET", "/inventory/movements", self.list_movements)
        r.add("GET", "/inventory/product/:productId", self.inventory_by_product)
        r.add("GET", "/inventory/:id", self.get_inventory)
        r.add("PUT", "/inventory/:id/edit", self.edit_inventory)
        r.add("DELETE", "/inventory/:id/delete", self.delete_inventory)
        r.add("GET", "/products", self.list_products)
        r.add("GET", "/products/id/:id", self.get_product)
        r.add("GET", "/products/sku/:sku", self.get_product_by_sku)
        r.add("POST", "/products/create", self.create_product)
        r.add("PUT", "/products/edit/:id", self.edit_product)
        r.add("DELETE", "/products/delete/:id", self.delete_product)
        r.add("GET", "/clients", self.list_clients)
        r.add("GET", "/clients/id/:id", self.get_client)
        r.add("POST", "/clients/create", self.create_client)
        r.add("PUT", "/clients/edit/:id", self.edit_client)
        r.add("GET", "/documents", self.list_documents)
        r.add("GET", "/documents/id/:id", self.get_document)
        r.add("POST", "/documents/create/:type", self.create_document)
        r.add("GET", "/warehouses", self.list_warehouses)
        r.add("GET", "/warehouses/:id", self.get_warehouse)
        self.router = r

    # ------------------------------------------------------------------ seed

    def reset(self, seed):
        rng = random.Random(seed)
        self.rng = rng
        self.limiter.reset()
        self.warehouses = {w["id"]: dict(w) for w in WAREHOUSES}
        self.products = {}
        for n in range(1, 151):
            self.products[n] = self._seed_product(rng, n)
        self.inventory = {}
        self._seed_inventory(rng)
        self.clients = {}
        for n in range(1, 31):
            c = self._seed_client(rng, n)
            self.clients[c["visibleId"]] = c
        self.documents = {}
        for n in range(1, 21):
            d = self._seed_document(rng, n)
            self.documents[d["visibleId"]] = d
        self.movements = []
        self.clock = 0
        start = datetime.datetime(2026, 11, 3, 11, 0)
        for i in range(1, 41):
            at = start + datetime.timedelta(hours=12 * (i - 1))
            if i % 2:
                self._movement((i % 5) + 1, 1, "purchase", D(10), iso(at))
            else:
                self._movement((i % 3) + 1, 2, "sale", D(-2), iso(at))

    def _seed_product(self, rng, n):
        noun, variant = NOUNS[(n - 1) % 10], VARIANTS[((n - 1) // 10) % 10]
        name = "%s %s%s" % (noun, variant, " II" if n > 100 else "")
        sku = "WDG-%03d" % n
        if n == 149:
            name = "Café Ünïcode"
        if n == 150:
            name, sku = "Odd SKU Sample", "A/B?C&D=E F"
        unit = "kg" if n % 7 == 0 else "box" if n % 11 == 0 else "unit"
        cost = D(rng.randint(150, 25000)) / 100
        if n == 1:
            cost = D("49.50")
        physical = n % 6 != 0
        created = datetime.datetime(2024, 1, 1, 10, 0) + datetime.timedelta(days=n)
        updated = created + datetime.timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 8))
        return {
            "id": n,
            "visibleId": "P-%d" % (1000 + n),
            "name": name,
            "sku": sku,
            "description": "%s, sample %s (%s)" % (name, noun.lower(), unit),
            "unit": unit,
            "vendorId": (n - 1) % 5 + 1,
            "isPhysical": physical,
            "unitCost": money(cost),
            "buyingPrice": money((cost * D("0.6")).quantize(D("0.01"))),
            "minStockLevel": rng.randint(0, 20),
            "maxStockLevel": rng.randint(10, 100) * 10,
            "trackSerialNumbers": n % 13 == 0,
            "isActive": n % 17 != 0,
            "isWithInventory": physical,
            "createdAt": iso(created),
            "updatedAt": iso(updated),
        }

    def _seed_inventory(self, rng):
        pairs = [(p, 1) for p in range(1, 101)]
        pairs += [(1, 2)] + [(p, 2) for p in sorted(rng.sample(range(2, 151), 79))]
        pairs += [(p, 3) for p in sorted(rng.sample([p for p in range(2, 151) if p != 5], 70))]
        rng.shuffle(pairs)
        # the records of the API doc's examples: id 1 and id 4 for product 1
        for index, pair in ((0, (1, 1)), (3, (1, 2))):
            at = pairs.index(pair)
            pairs[index], pairs[at] = pairs[at], pairs[index]
        for rid, (pid, wid) in enumerate(pairs, start=1):
            if self.products[pid]["unit"] == "kg":
                quantity = plain(D(rng.randint(0, 400)) / 2)
            else:
                quantity = rng.randint(0, 500)
            letter, num = "ABCDEFGH"[rng.randint(0, 7)], rng.randint(1, 12)
            location = rng.choice(["Shelf %s%d" % (letter, num), "Bin %d" % (num + 10 * rng.randint(0, 3)),
                                   "Rack %s%d" % (letter, num)])
            if rid % 20 == 0:
                location = None
            self.inventory[rid] = {"id": rid, "productId": pid, "warehouseId": wid,
                                   "quantity": quantity, "location": location}
        fixed = {(1, 1): (150, "Shelf A3"), (1, 2): (30, "Bin 7"), (2, 1): (80, "Shelf A4")}
        for rec in self.inventory.values():
            key = (rec["productId"], rec["warehouseId"])
            if key in fixed:
                rec["quantity"], rec["location"] = fixed[key]

    def _seed_client(self, rng, n):
        ctype = ["COMPANY", "MURSHE", "COMPANY", "PATOOR", "MURSHE"][(n - 1) % 5]
        first, last = FIRST_NAMES[(n * 7) % len(FIRST_NAMES)], LAST_NAMES[(n * 3) % len(LAST_NAMES)]
        if ctype == "COMPANY":
            word = COMPANY_WORDS[(n * 5) % len(COMPANY_WORDS)]
            name = "%s %s Ltd" % (word, ["Trading", "Supplies", "Systems", "Foods"][n % 4])
            email = "info@%s%d.example.com" % (word.lower().replace(" ", ""), n)
        else:
            name = "%s %s" % (first, last)
            email = "%s.%s%d@example.com" % (first.lower(), last.lower(), n)
        if n == 1:
            name, email, first, last = "Existing Ltd", "existing@example.com", "Ella", "Stone"
        if n == 2:
            first, last = "Dana", "Levi"
            name, email = "Dana Levi", "Dana.Levi@Example.com"
        if n >= 29:
            email = None
        phone = "05%d-%07d" % (rng.randint(0, 9), rng.randint(0, 9999999))
        created = datetime.datetime(2025, 1, 1, 9, 30) + datetime.timedelta(days=n * 9)
        balance = "0.00" if n % 3 else money(D(rng.randint(0, 500000)) / 100)
        return {
            "id": self._uuid(),
            "visibleId": "C-%d" % (1000 + n),
            "name": name,
            "taxId": "5%08d" % n,
            "type": ctype,
            "email": email,
            "contacts": [{"firstName": first, "lastName": last, "phoneNumber": phone, "email": email}],
            "addresses": [],
            "createdAt": iso(created),
            "balance": balance,
        }

    def _seed_document(self, rng, n):
        client = self.clients["C-%d" % (1000 + (n * 7) % 30 + 1)]
        date = "2026-%02d-%02d" % (1 + (n - 1) // 2, 5 if n % 2 else 20)
        dtype = SEED_DOCUMENT_TYPES[n - 1]
        lines = []
        for _ in range(rng.randint(1, 3)):
            p = self.products[rng.randint(1, 148)]
            lines.append({"description": p["name"], "sku": p["sku"], "units": rng.randint(1, 5),
                          "price": plain(D(p["unitCost"]))})
        total = sum(D(str(l["units"])) * D(str(l["price"])) for l in lines)
        payments = []
        if dtype in ("invoiceReceipt", "receipt"):
            payments = [{"amount": plain(total), "paymentMethod": rng.choice(["cash", "creditCard", "bankTransfer"]),
                         "date": date}]
        return {
            "id": doc_uuid(n),
            "visibleId": "D-%d" % (5000 + n),
            "type": dtype,
            "number": str(50000 + n),
            "date": date,
            "client": self._client_ref(client),
            "identifyClientBy": "email" if n % 4 == 0 else None,
            "products": lines,
            "payments": payments,
            "total": money(total),
            "notes": "Seed document %d" % n if n % 3 == 0 else None,
            "sendToClient": n % 5 == 0,
            "open": dtype in ("quotation", "order", "invoice") and n % 2 == 1,
        }

    def _uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _now(self):
        return "%sT12:00:00.000Z" % self.cfg("today")

    # ------------------------------------------------------------ envelopes

    @staticmethod
    def ok(data, status=200):
        return Response.json(status, {"success": True, "data": data})

    def error_response(self, status, message, req=None, issues=None):
        if status == 401:
            return Response.json(401, UNAUTHORIZED_BODY)
        error = {"status": status, "message": message, "code": ERROR_CODES.get(status, "ERROR")}
        if status == 400:
            error["issues"] = issues or [{"path": [], "message": message}]
        return Response.json(status, {"success": False, "error": error})

    def paged(self, req, rows, view=None):
        """One page of ``rows`` in the list envelope (limit capped silently);
        ``view`` (if given) turns each row of the page into its API shape."""
        page = self._page_param(req, "page", 1)
        limit = min(self._page_param(req, "limit", self.cfg("default_limit")), self.cfg("page_cap"))
        offset = (page - 1) * limit
        chunk = rows[offset:offset + limit]
        if view is not None:
            chunk = [view(r) for r in chunk]
        return Response.json(200, {
            "success": True,
            "data": chunk,
            "pagination": {"total": len(rows), "limit": limit, "offset": offset,
                           "hasMore": offset + len(chunk) < len(rows)},
        })

    @staticmethod
    def _page_param(req, name, default):
        value = req.param(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid([name], "Expected number, received nan") from None
        if number < 1:
            raise invalid([name], "Number must be greater than or equal to 1")
        return number

    # ------------------------------------------------ auth and rate limits

    def _rate_headers(self, req):
        """Counts the request; returns (headers, seconds to wait if over)."""
        key = req.header("Authorization") or ""
        per_minute, per_second = self.cfg("rate_limit_per_minute"), self.cfg("rate_limit_per_second")
        count, reset = self.limiter.hit(("m", key), 60)
        retry = None
        if per_minute > 0:
            limit, remaining = per_minute, max(0, per_minute - count)
            if count > per_minute:
                retry = reset
        else:
            limit, remaining = 100, 100
        if per_second > 0:
            count_s, reset_s = self.limiter.hit(("s", key), 1)
            if count_s > per_second and retry is None:
                retry = reset_s
        headers = [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                   ("X-RateLimit-Reset", str(int(reset + 0.999)))]
        if retry is not None:
            headers.append(("Retry-After", str(max(1, int(retry - time.time() + 0.999)))))
        return headers, retry is not None

    def _authorized(self, req):
        auth = req.header("Authorization") or ""
        scheme, _, key = auth.partition(" ")
        return scheme.lower() == "bearer" and key.strip() == self.cfg("api_key")

    def handle(self, req):
        headers, limited = self._rate_headers(req)
        if not self._authorized(req):
            resp = self.error_response(401, "Unauthorized")
        elif limited:
            resp = self.error_response(429, "Too many requests, please retry later")
        else:
            resp = self._route(req)
        resp.headers.extend(h for h in headers if h[0] != "Retry-After" or resp.status == 429)
        return resp

    def fault_response(self, req, status, retry_after=None):
        headers, _ = self._rate_headers(req)
        resp = super().fault_response(req, status, retry_after)
        resp.headers.extend(h for h in headers if h[0] != "Retry-After")
        if status == 429:
            resp.headers = [(k, "0" if k == "X-RateLimit-Remaining" else v) for k, v in resp.headers]
        return resp

    def _route(self, req):
        handler, params = self.router.match(req.method, req.segments)
        if handler is None:
            return self.error_response(404, "Route %s %s not found" % (req.method, req.path))
        try:
            return handler(req, **params)
        except ApiError as exc:
            return self.error_response(exc.status, exc.message, req, exc.issues)

    def body(self, req):
        """The JSON object body, or a 400."""
        data = req.json()
        if not isinstance(data, dict):
            raise invalid([], "Expected object, received %s" % _type_name(data))
        return data

    # ------------------------------------------------------------ inventory

    def inventory_view(self, rec, with_product=True):
        """A record as GET /inventory shows it."""
        out = {"id": rec["id"]}
        if with_product:
            p = self.products.get(rec["productId"])
            out["product"] = {"id": rec["productId"], "name": p and p["name"], "sku": p and p["sku"]}
        w = self.warehouses[rec["warehouseId"]]
        out["warehouse"] = {"id": w["id"], "name": w["name"]}
        out["quantity"] = rec["quantity"]
        out["location"] = rec["location"]
        return out

    def _find_inventory(self, product_id, warehouse_id):
        for rec in self.inventory.values():
            if rec["productId"] == product_id and rec["warehouseId"] == warehouse_id:
                return rec
        return None

    def _inventory(self, rid):
        rec = self.inventory.get(path_int(rid, "id"))
        if rec is None:
            raise ApiError(404, "Inventory record not found")
        return rec

    def list_inventory(self, req):
        rows = sorted(self.inventory.values(), key=lambda r: r["id"])
        warehouse = req.param("warehouseId")
        if warehouse not in (None, ""):
            wid = path_int(warehouse, "warehouseId")
            rows = [r for r in rows if r["warehouseId"] == wid]
        search = (req.param("search") or "").lower()
        if search:
            def hit(rec):
                p = self.products.get(rec["productId"]) or {}
                return (contains(p.get("name"), search) or contains(p.get("sku"), search)
                        or contains(rec["location"], search))
            rows = [r for r in rows if hit(r)]
        return self.paged(req, rows, self.inventory_view)

    def get_inventory(self, req, id):
        return self.ok(self.inventory_view(self._inventory(id)))

    def inventory_by_product(self, req, productId):
        pid = path_int(productId, "productId")
        if pid not in self.products:
            raise ApiError(404, "Product not found")
        rows = sorted((r for r in self.inventory.values() if r["productId"] == pid), key=lambda r: r["id"])
        return self.ok([self.inventory_view(r, with_product=False) for r in rows])

    def create_inventory(self, req):
        body = self.body(req)
        pid = want_int(body, "productId", required=True)
        wid = want_int(body, "warehouseId", required=True)
        quantity = want_number(body, "quantity")
        location = want_str(body, "location")
        if pid not in self.products:
            raise ApiError(404, "Product %d not found" % pid)
        if wid not in self.warehouses:
            raise ApiError(404, "Warehouse %d not found" % wid)
        if self._find_inventory(pid, wid):
            raise ApiError(409, "Inventory record already exists for product %d in warehouse %d" % (pid, wid))
        rid = max(self.inventory, default=0) + 1
        rec = {"id": rid, "productId": pid, "warehouseId": wid,
               "quantity": plain(quantity if quantity is not None else D(0)), "location": location}
        self.inventory[rid] = rec
        self._movement(pid, wid, "create", D(str(rec["quantity"])))
        return self.ok(dict(rec), 201)

    def edit_inventory(self, req, id):
        rec = self._inventory(id)
        body = self.body(req)
        quantity = want_number(body, "quantity")
        if "location" in body and body["location"] is not None:
            want_str(body, "location")
        if quantity is not None:
            change = quantity - D(str(rec["quantity"]))
            rec["quantity"] = plain(quantity)
            if change:
                self._movement(rec["productId"], rec["warehouseId"], "edit", change)
        if "location" in body:
            rec["location"] = body["location"]
        return self.ok(dict(rec))

    def delete_inventory(self, req, id):
        rec = self._inventory(id)
        del self.inventory[rec["id"]]
        return self.ok({"success": True})

    def adjust_inventory(self, req):
        body = self.body(req)
        actions = body.get("actions")
        if actions is None:
            raise invalid(["actions"], "Required")
        if not isinstance(actions, list):
            raise invalid(["actions"], "Expected array, received %s" % _type_name(actions))
        if not actions:
            raise invalid(["actions"], "Array must contain at least 1 element(s)")
        parsed = []
        for i, action in enumerate(actions):
            if not isinstance(action, dict):
                raise invalid(["actions", i], "Expected object, received %s" % _type_name(action))
            pid = want_int(action, "productId", ["actions", i, "productId"], required=True)
            wid = want_int(action, "warehouseId", ["actions", i, "warehouseId"], required=True)
            amount = want_number(action, "amount", ["actions", i, "amount"])
            want_str(action, "reason", ["actions", i, "reason"])
            want_str(action, "notes", ["actions", i, "notes"])
            parsed.append((pid, wid, amount if amount is not None else D(0)))
        # all or nothing: check every action before changing anything
        for pid, wid, _ in parsed:
            if pid not in self.products:
                raise ApiError(404, "Product %d not found" % pid)
            if wid not in self.warehouses:
                raise ApiError(404, "Warehouse %d not found" % wid)
        adjusted = []
        for pid, wid, amount in parsed:
            rec = self._find_inventory(pid, wid)
            if rec is None:
                rid = max(self.inventory, default=0) + 1
                rec = {"id": rid, "productId": pid, "warehouseId": wid, "quantity": 0, "location": None}
                self.inventory[rid] = rec
            previous = D(str(rec["quantity"]))
            rec["quantity"] = plain(previous + amount)
            self._movement(pid, wid, "adjustment", amount)
            adjusted.append({"productId": pid, "warehouseId": wid, "previousQuantity": plain(previous),
                             "newQuantity": rec["quantity"], "amount": plain(amount)})
        return self.ok({"adjusted": adjusted})

    # ------------------------------------------------------------ movements

    def _movement(self, pid, wid, mtype, amount, at=None):
        """Records a stock movement (the API does not document its fields:
        this shape nests the product and warehouse and calls the change
        "amount")."""
        if at is None:
            base = datetime.datetime.fromisoformat(self.cfg("today")).replace(hour=12)
            at = iso(base + datetime.timedelta(seconds=self.clock))
            self.clock += 1
        p = self.products.get(pid) or {}
        w = self.warehouses.get(wid) or {}
        self.movements.append({
            "id": len(self.movements) + 1,
            "product": {"id": pid, "name": p.get("name"), "sku": p.get("sku")},
            "warehouse": {"id": wid, "name": w.get("name")},
            "type": mtype,
            "amount": plain(amount),
            "createdAt": at,
        })

    def list_movements(self, req):
        rows = list(self.movements)
        for param, path in (("productId", "product"), ("warehouseId", "warehouse")):
            value = req.param(param)
            if value not in (None, ""):
                wanted = path_int(value, param)
                rows = [m for m in rows if m[path]["id"] == wanted]
        mtype = req.param("type")
        if mtype not in (None, ""):
            rows = [m for m in rows if m["type"] == mtype]
        # days in the company's time zone (Israel, UTC+2 in winter)
        def local_day(m):
            at = datetime.datetime.strptime(m["createdAt"], "%Y-%m-%dT%H:%M:%S.000Z")
            return (at + datetime.timedelta(hours=2)).date().isoformat()
        start = want_date(req.param("startDate") or None, ["startDate"])
        end = want_date(req.param("endDate") or None, ["endDate"])
        if start:
            rows = [m for m in rows if local_day(m) >= start]
        if end:
            rows = [m for m in rows if local_day(m) <= end]
        return self.paged(req, rows)

    # ------------------------------------------------------------- products

    PRODUCT_STR = ("name", "sku", "description", "unit")
    PRODUCT_BOOL = ("isPhysical", "trackSerialNumbers", "isActive", "isWithInventory")

    def _product(self, pid):
        product = self.products.get(path_int(pid, "id"))
        if product is None:
            raise ApiError(404, "Product not found")
        return product

    def list_products(self, req):
        rows = [self.products[k] for k in sorted(self.products)]
        vendor = req.param("vendorId")
        if vendor not in (None, ""):
            vid = path_int(vendor, "vendorId")
            rows = [p for p in rows if p["vendorId"] == vid]
        physical = req.param("isPhysical")
        if physical not in (None, ""):
            if physical not in ("true", "false"):
                raise invalid(["isPhysical"], "Expected 'true' | 'false', received '%s'" % physical)
            rows = [p for p in rows if p["isPhysical"] == (physical == "true")]
        search = (req.param("search") or "").lower()
        if search:
            rows = [p for p in rows if contains(p["name"], search) or contains(p["sku"], search)
                    or contains(p["description"], search)]
        return self.paged(req, rows)

    def get_product(self, req, id):
        return self.ok(self._product(id))

    def get_product_by_sku(self, req, sku):
        for p in self.products.values():
            if p["sku"] == sku:
                return self.ok(p)
        raise ApiError(404, "Product not found")

    def _apply_product_fields(self, product, body):
        for key in self.PRODUCT_STR:
            if key in body:
                product[key] = want_str(body, key, required=(key == "name"))
        for key in self.PRODUCT_BOOL:
            if key in body and body[key] is not None:
                product[key] = want_bool(body, key)
        for key in ("unitCost", "buyingPrice"):
            if key in body:
                product[key] = want_money(body, key)
        for key in ("minStockLevel", "maxStockLevel"):
            if key in body:
                value = want_number(body, key)
                product[key] = plain(value) if value is not None else None
        if "vendorId" in body:
            product["vendorId"] = want_int(body, "vendorId")

    def _check_sku_free(self, sku, pid):
        if sku is None:
            return
        for p in self.products.values():
            if p["sku"] == sku and p["id"] != pid:
                raise ApiError(409, "A product with SKU '%s' already exists" % sku)

    def create_product(self, req):
        body = self.body(req)
        want_str(body, "name", required=True)
        pid = max(self.products, default=0) + 1
        product = {"id": pid, "visibleId": "P-%d" % (1000 + pid), "name": None, "sku": None,
                   "description": None, "unit": "unit", "vendorId": None, "isPhysical": True,
                   "unitCost": None, "buyingPrice": None, "minStockLevel": None, "maxStockLevel": None,
                   "trackSerialNumbers": False, "isActive": True, "isWithInventory": None,
                   "createdAt": self._now(), "updatedAt": self._now()}
        self._apply_product_fields(product, body)
        if product["isWithInventory"] is None:
            product["isWithInventory"] = product["isPhysical"]
        self._check_sku_free(product["sku"], pid)
        self.products[pid] = product
        return self.ok(product, 201)

    def edit_product(self, req, id):
        product = self._product(id)
        body = self.body(req)
        updated = dict(product)
        self._apply_product_fields(updated, body)
        self._check_sku_free(updated["sku"], updated["id"])
        updated["updatedAt"] = self._now()
        product.update(updated)
        return self.ok(product)

    def delete_product(self, req, id):
        product = self._product(id)
        del self.products[product["id"]]
        for rid in [r["id"] for r in self.inventory.values() if r["productId"] == product["id"]]:
            del self.inventory[rid]
        return self.ok({"success": True})

    # -------------------------------------------------------------- clients

    def _client(self, key):
        client = self.clients.get(key)
        if client is None:  # the internal id is accepted as well
            client = next((c for c in self.clients.values() if c["id"] == key), None)
        if client is None:
            raise ApiError(404, "Client not found")
        return client

    def _clients_by(self, field, value):
        if field == "email":
            value = value.lower()
            return [c for c in self.clients.values() if (c["email"] or "").lower() == value]
        return [c for c in self.clients.values() if c.get(field) == value]

    def list_clients(self, req):
        rows = sorted(self.clients.values(), key=lambda c: int(c["visibleId"].split("-")[1]))
        email = req.param("email")
        if email not in (None, ""):
            rows = [c for c in rows if (c["email"] or "").lower() == email.lower()]
        tax_id = req.param("taxId")
        if tax_id not in (None, ""):
            rows = [c for c in rows if c["taxId"] == tax_id]
        ctype = req.param("type")
        if ctype not in (None, ""):
            if ctype not in CLIENT_TYPES:
                raise invalid(["type"], "Invalid enum value. Expected 'MURSHE' | 'COMPANY' | 'PATOOR', "
                                        "received '%s'" % ctype)
            rows = [c for c in rows if c["type"] == ctype]
        search = (req.param("search") or "").lower()
        if search:
            rows = [c for c in rows if contains(c["name"], search) or contains(c["email"], search)
                    or contains(c["taxId"], search) or contains(c["visibleId"], search)]
        return self.paged(req, rows)

    def get_client(self, req, id):
        return self.ok(self._client(id))

    def _client_fields(self, body, client):
        for key in ("name", "email", "taxId"):
            if key in body:
                client[key] = want_str(body, key, required=(key == "name"))
        if "type" in body and body["type"] is not None:
            if body["type"] not in CLIENT_TYPES:
                raise invalid(["type"], "Invalid enum value. Expected 'MURSHE' | 'COMPANY' | 'PATOOR', "
                                        "received '%s'" % body["type"])
            client["type"] = body["type"]
        contact = body.get("contact")
        if contact is not None:
            if not isinstance(contact, dict):
                raise invalid(["contact"], "Expected object, received %s" % _type_name(contact))
            for key in ("firstName", "lastName", "phoneNumber", "email"):
                want_str(contact, key, ["contact", key])
            first = dict(client["contacts"][0]) if client["contacts"] else \
                {"firstName": None, "lastName": None, "phoneNumber": None, "email": None}
            first.update({k: contact[k] for k in ("firstName", "lastName", "phoneNumber", "email")
                          if k in contact})
            client["contacts"] = [first] + client["contacts"][1:]

    def _new_client(self, body):
        want_str(body, "name", required=True)
        n = max((int(k.split("-")[1]) for k in self.clients), default=1000) + 1
        client = {"id": self._uuid(), "visibleId": "C-%d" % n, "name": None, "taxId": None,
                  "type": "MURSHE", "email": None, "contacts": [], "addresses": [],
                  "createdAt": self._now(), "balance": "0.00"}
        self._client_fields(body, client)
        self.clients[client["visibleId"]] = client
        return client

    def create_client(self, req):
        return self.ok(self._new_client(self.body(req)), 201)

    def edit_client(self, req, id):
        client = self._client(id)
        updated = {k: (list(v) if isinstance(v, list) else v) for k, v in client.items()}
        self._client_fields(self.body(req), updated)
        client.update(updated)
        return self.ok(client)

    # ------------------------------------------------------------ documents

    @staticmethod
    def _client_ref(client):
        return {"id": client["visibleId"], "name": client["name"], "email": client["email"],
                "taxId": client["taxId"]}

    def list_documents(self, req):
        rows = sorted(self.documents.values(), key=lambda d: int(d["visibleId"].split("-")[1]))
        dtype = req.param("type")
        if dtype not in (None, ""):
            if dtype not in DOCUMENT_TYPES:
                raise invalid(["type"], "Invalid document type '%s'" % dtype)
            rows = [d for d in rows if d["type"] == dtype]
        start = want_date(req.param("startDate") or None, ["startDate"])
        end = want_date(req.param("endDate") or None, ["endDate"])
        if start:
            rows = [d for d in rows if d["date"] >= start]
        if end:
            rows = [d for d in rows if d["date"] <= end]
        client_id = req.param("clientId")
        if client_id not in (None, ""):
            rows = [d for d in rows if d["client"]["id"] == client_id]
        is_open = req.param("open")
        if is_open not in (None, ""):
            if is_open not in ("true", "false"):
                raise invalid(["open"], "Expected boolean, received string")
            rows = [d for d in rows if d["open"] == (is_open == "true")]
        sku = req.param("sku")
        if sku not in (None, ""):
            rows = [d for d in rows if any(l.get("sku") == sku for l in d["products"])]
        search = (req.param("search") or "").lower()
        if search:
            rows = [d for d in rows if contains(d["visibleId"], search) or contains(d["number"], search)
                    or contains(d["client"]["name"], search) or contains(d["notes"], search)
                    or any(contains(l.get("description"), search) or contains(l.get("sku"), search)
                           for l in d["products"])]
        return self.paged(req, rows)

    def get_document(self, req, id):
        doc = self.documents.get(id)
        if doc is None:  # the internal id is accepted as well
            doc = next((d for d in self.documents.values() if d["id"] == id), None)
        if doc is None:
            raise ApiError(404, "Document not found")
        return self.ok(doc)

    def create_document(self, req, type):
        if type not in DOCUMENT_TYPES:
            raise invalid(["type"], "Invalid document type '%s'. Expected one of: %s"
                          % (type, ", ".join(DOCUMENT_TYPES)))
        body = self.body(req)
        products = body.get("products")
        if products is None:
            raise invalid(["products"], "Required")
        if not isinstance(products, list):
            raise invalid(["products"], "Expected array, received %s" % _type_name(products))
        if not products:
            raise invalid(["products"], "Array must contain at least 1 element(s)")
        total = D(0)
        for i, line in enumerate(products):
            if not isinstance(line, dict):
                raise invalid(["products", i], "Expected object, received %s" % _type_name(line))
            units = want_number(line, "units", ["products", i, "units"])
            price = want_number(line, "price", ["products", i, "price"], required=True)
            want_str(line, "description", ["products", i, "description"])
            want_str(line, "sku", ["products", i, "sku"])
            total += (units if units is not None else D(1)) * price
        payments = body.get("payments") or []
        if not isinstance(payments, list):
            raise invalid(["payments"], "Expected array, received %s" % _type_name(payments))
        for i, pay in enumerate(payments):
            if not isinstance(pay, dict):
                raise invalid(["payments", i], "Expected object, received %s" % _type_name(pay))
            want_number(pay, "amount", ["payments", i, "amount"], required=True)
            method = pay.get("paymentMethod")
            if method is not None and method not in PAYMENT_METHODS:
                raise invalid(["payments", i, "paymentMethod"], "Invalid enum value '%s'" % method)
            want_date(pay.get("date"), ["payments", i, "date"])
        date = want_date(body.get("date"), ["date"]) or self.cfg("today")
        identify = body.get("identifyClientBy")
        if identify is not None and identify not in ("email", "taxId"):
            raise invalid(["identifyClientBy"], "Invalid enum value. Expected 'email' | 'taxId'")
        notes = want_str(body, "notes")
        send = want_bool(body, "sendToClient")
        client = self._document_client(body, identify)
        n = max((int(k.split("-")[1]) for k in self.documents), default=5000) + 1
        doc = {
            "id": doc_uuid(n - 5000),
            "visibleId": "D-%d" % n,
            "type": type,
            "number": str(45000 + n),
            "date": date,
            "client": self._client_ref(client),
            "identifyClientBy": identify,
            "products": plain(products),
            "payments": plain(payments),
            "total": money(total),
            "notes": notes,
            "sendToClient": bool(send),
            "open": type in ("quotation", "order", "invoice"),
        }
        self.documents[doc["visibleId"]] = doc
        return self.ok(doc, 201)

    def _document_client(self, body, identify):
        """The client of a new document: by clientId, or found by
        identifyClientBy among existing clients, or created."""
        if body.get("clientId") is not None:
            client_id = body["clientId"]
            if not isinstance(client_id, (str, int)) or isinstance(client_id, bool):
                raise invalid(["clientId"], "Expected string, received %s" % _type_name(client_id))
            return self._client(str(client_id))
        data = body.get("client")
        if data is None:
            raise invalid(["client"], "Either clientId or client is required")
        if not isinstance(data, dict):
            raise invalid(["client"], "Expected object, received %s" % _type_name(data))
        if identify:
            value = data.get(identify)
            if value in (None, ""):
                raise invalid(["client", identify], "Required when identifyClientBy is '%s'" % identify)
            found = self._clients_by(identify, str(value))
            if found:
                return sorted(found, key=lambda c: int(c["visibleId"].split("-")[1]))[0]
        try:
            return self._new_client({k: data[k] for k in ("name", "email", "taxId", "type") if k in data})
        except ApiError as exc:
            for issue in exc.issues or []:
                issue["path"] = ["client"] + issue["path"]
            raise

    # ----------------------------------------------------------- warehouses

    def list_warehouses(self, req):
        return self.paged(req, [self.warehouses[k] for k in sorted(self.warehouses)])

    def get_warehouse(self, req, id):
        w = self.warehouses.get(path_int(id, "id"))
        if w is None:
            raise ApiError(404, "Warehouse not found")
        return self.ok(w)

    # ---------------------------------------------------------------- state

    def patch(self, collection, key, field, value):
        stores = {"inventory": self.inventory, "products": self.products}
        store = stores.get(collection)
        if store is None:
            raise ValueError("glance patch works on: %s" % ", ".join(sorted(stores)))
        item = store.get(int(key))
        if item is None:
            raise ValueError("no glance %s with id %s" % (collection, key))
        item[field] = value

    def state(self, collection, params):
        """Remote state for ``simctl state glance <collection>``.

        inventory: --id, --product-id, --warehouse-id (records as GET
        /inventory/:id shows them); products: --id, --sku; clients: --id
        (visible id), --email, --tax-id; documents: --id, --client-id, --type;
        warehouses: --id.
        """
        def match(item, checks):
            unknown = set(params) - set(checks)
            if unknown:
                raise ValueError("glance %s cannot be filtered by %s (only: %s)"
                                 % (collection, ", ".join(sorted(unknown)), ", ".join(sorted(checks))))
            for key, getter in checks.items():
                if key in params:
                    value = getter(item)
                    want = params[key]
                    if key == "email":
                        if (value or "").lower() != want.lower():
                            return False
                    elif str(value) != want:
                        return False
            return True

        if collection == "inventory":
            checks = {"id": lambda r: r["id"], "product-id": lambda r: r["productId"],
                      "warehouse-id": lambda r: r["warehouseId"]}
            rows = [r for r in sorted(self.inventory.values(), key=lambda r: r["id"]) if match(r, checks)]
            return [self.inventory_view(r) for r in rows]
        if collection == "products":
            checks = {"id": lambda p: p["id"], "sku": lambda p: p["sku"]}
            return [p for k, p in sorted(self.products.items()) if match(p, checks)]
        if collection == "clients":
            checks = {"id": lambda c: c["visibleId"], "email": lambda c: c["email"],
                      "tax-id": lambda c: c["taxId"]}
            rows = sorted(self.clients.values(), key=lambda c: int(c["visibleId"].split("-")[1]))
            return [c for c in rows if match(c, checks)]
        if collection == "documents":
            checks = {"id": lambda d: d["visibleId"], "client-id": lambda d: d["client"]["id"],
                      "type": lambda d: d["type"]}
            rows = sorted(self.documents.values(), key=lambda d: int(d["visibleId"].split("-")[1]))
            return [d for d in rows if match(d, checks)]
        if collection == "movements":
            checks = {"product-id": lambda m: m["product"]["id"], "warehouse-id": lambda m: m["warehouse"]["id"],
                      "type": lambda m: m["type"]}
            return [m for m in self.movements if match(m, checks)]
        if collection == "warehouses":
            return [w for k, w in sorted(self.warehouses.items()) if match(w, {"id": lambda w: w["id"]})]
        raise ValueError("glance has no collection %r (inventory, products, clients, documents, warehouses, movements)"
                         % collection)


def doc_uuid(n):
    """A document's internal id (stable, not drawn from the seeded random numbers)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "glance-document-%d" % n))


def iso(moment):
    """ISO 8601 with milliseconds and Z, as the API writes timestamps."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


API = GlanceAPI
