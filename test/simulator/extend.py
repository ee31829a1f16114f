"""The Extend Commerce API (XTND / Lxir), served under ``/extend``.

Base URL ``/extend/RESTAPI/v1_0/<client>/`` (client ``ACME`` by default; the
real host and client segment differ per customer). Follows the public facts
about the API: the ``ExtendBasicAuthorization: Basic base64(user:password)``
header, two paging styles (bare arrays with ``pageCount`` + ``pageOffset`` for
CustomerOrders and Products; ``pageNumber`` with a named list and
``paginationInfo`` elsewhere), errors as ``{"Message": "..."}``, rate-limit
headers ``x-ratelimit-*``, date-time parameters in UTC as
``YYYY-MM-DDTHH:MM:SS``. Resource names and parameter names match
case-insensitively, as on the ASP.NET server.

Seed data (the same for every seed; see README.md for the facts tests use):

* warehouses MAIN "Stockholm central", GBG "Göteborg", MMO "Malmö outlet";
* products ART-1001 .. ART-1039 and "KIT 40/B" (product 40), modified one a
  day from 2026-10-01T08:00:00Z;
* availability: every product in MAIN, even ones in GBG, every fifth in MMO
  (68 rows); row i (in product, warehouse order) changed at
  2026-11-20T00:00:00Z + ((37 i) mod 68) hours;
* customers 10001 .. 10012 with their own discount; 10002 and 10007 buy in
  EUR; each customer's price list holds every product, and a second tier from
  10 units for every third product (53 rows);
* customer orders 100001 .. 100025, one every second day from 2026-10-01;
* product list items are ProductListItem: no change date (only
  ``Products/{id}`` has ``productDates.changedDate``); products whose number
  is even have warehouse GBG, the others MAIN; every product has one GTIN
  ``735000000<n:04>``, made in SE (every fourth: CN);
* product list items carry ``statisticalCategory1..3`` (noun, variant,
  "Outlet" for every tenth product); ``Products/{id}`` adds
  ``productData.productDescription``, ``enabled`` (false for ART-1039),
  ``annulled``, ``productDates.changedBy`` ("erp") and ``externalChangedDate``
  (every fifth product) and one supplier ``SUP-<n mod 3 + 1>`` /
  ``S<n mod 3 + 1>-<n:04>`` in ``productSuppliers``; the list takes
  ``supplyMode``, ``supplierNumber`` and ``supplierProductNumber``;
* ``Customers/{id}`` adds to the list item: ``invoiceAddress1``,
  ``invoicePostalCode``, ``invoiceCity``, ``countryCode``, ``vatNumber``,
  ``paymentTerms``, ``deliveryTerms``, ``customerGroup``, ``languageCode``,
  ``blocked`` (true for 10012);
* ``CustomerOrders/{id}`` carries ``shipments`` (empty until the ERP ships;
  a PartiallyDelivered or Terminated seed order has one: number ``SH-<order>-1``, shipped the day after
  the order, PostNord, tracking number and URL, its rows);
* warehouse stock levels: MAIN holds every product (customer product number
  ``WDG-<n:03>``, the webshop's SKU; balance 10 n), GBG the even ones (5 n),
  MMO none.
"""

import base64
import datetime
import decimal
import random
import re
import time

from core import FixedWindowLimiter, Response, Router, SimAPI

D = decimal.Decimal
UTC = datetime.timezone.utc

WAREHOUSES = [("MAIN", "Stockholm central"), ("GBG", "Göteborg"), ("MMO", "Malmö outlet")]
NOUNS = ["Oak chair", "Desk lamp", "Bookshelf", "Side table", "Wall hook", "Storage box", "Rug", "Mirror"]
VARIANTS = ["Classic", "Mini", "Large", "Nordic", "Pro"]
ORDER_TYPES = ("Normal", "QuickOrder", "Express", "ServiceOrderExpress", "WarehouseTransferOrder",
               "ServiceOrderNormal", "ServiceOrderPickup", "RMAOrder", "ReplacementOrder", "CDDestination",
               "Subscription", "SeasonOrder", "WebshopOrder", "AgreedOrder", "GiftshopOrder")
ORDER_STATUSES = ("Created", "Incoming", "IncomingWithErrors", "Reserved", "Terminated", "Annulled",
                  "OnHoldPayment", "OnHoldManual", "Pause", "PendingForReview", "Subscription", "Draft",
                  "DraftAllocation", "PartiallyDelivered")
SEED_STATUSES = ["Created", "Reserved", "PartiallyDelivered", "Reserved", "Terminated"]

# (name, last name or None for a company, city, currency, discount percent)
CUSTOMERS = [
    ("Nordic Interiors AB", None, "Stockholm", "SEK", 10),
    ("Berlin Möbel GmbH", None, "Berlin", "EUR", 5),
    ("Anna", "Lindqvist", "Uppsala", "SEK", 0),
    ("Hem & Trädgård AB", None, "Göteborg", "SEK", 15),
    ("Skåne Kontor AB", None, "Malmö", "SEK", 12),
    ("Erik", "Johansson", "Västerås", "SEK", 8),
    ("Helsinki Design Oy", None, "Helsinki", "EUR", 3),
    ("Fjällstugan AB", None, "Åre", "SEK", 20),
    ("Maria", "Karlsson", "Lund", "SEK", 7),
    ("Kontorsvaruhuset AB", None, "Örebro", "SEK", 0),
    ("Johan", "Berg", "Umeå", "SEK", 6),
    ("Sjöbodarna AB", None, "Visby", "SEK", 9),
]
SEK_TO_EUR = D("0.09")
CUSTOMER_FIELDS = ("customerNumber", "name", "lastName", "organizationNumber", "email2", "phoneNumber2",
                   "deliveryAddress1", "deliveryPostalCode", "deliveryCity", "creditLimit",
                   "creditLimitCurrency", "invoiceEmail")

UNAUTHORIZED = "Authorization has been denied for this request."


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def bad(message):
    return ApiError(400, message)


def money(amount):
    return D(amount).quantize(D("0.01"), rounding=decimal.ROUND_HALF_UP)


def iso(moment):
    """A DateTimeOffset as the API writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def parse_datetime(value, name):
    """A date-time query or body value (date, or date and time, optional
    fraction and zone) as an aware UTC datetime; a 400 otherwise."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                 r"(Z|[+-]\d{2}:?\d{2})?$", value or "")
    try:
        if not m:
            raise ValueError
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
        moment = datetime.datetime(y, mo, d, h, mi, s, tzinfo=UTC)
        zone = m.group(7)
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            moment -= sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment
    except ValueError:
        raise bad("The value '%s' is not valid for %s." % (value, name)) from None


class ExtendAPI(SimAPI):
    prefix = "extend"
    config_defaults = {
        "username": "extend-user",
        "password": "extend-pass",
        "client": "ACME",
        # rows per page of the pageNumber lists (the server's fixed page size)
        "page_size": 50,
        "default_page_count": 100,
        "max_product_numbers": 10,
        # 0: not enforced (the headers still say 300)
        "rate_limit_per_minute": 0,
        "today": "2026-11-23",
    }

    def __init__(self, config):
        super().__init__(config)
        self.limiter = FixedWindowLimiter()
        r = Router()
        r.add("GET", "/ProductPrices", self.list_prices)
        r.add("GET", "/ProductAvailability", self.list_availability)
        r.add("GET", "/Products", self.list_products)
        r.add("GET", "/Products/:id", self.get_product)
        r.add("GET", "/Customers", self.list_customers)
        r.add("GET", "/Customers/:id", self.get_customer)
        r.add("POST", "/Customers", self.create_customer)
        r.add("PUT", "/Customers/:id", self.edit_customer)
        r.add("GET", "/CustomerOrders", self.list_orders)
        r.add("GET", "/CustomerOrders/:id", self.get_order)
        r.add("POST", "/CustomerOrders", self.create_order)
        r.add("GET", "/WarehouseStockLevels", self.list_stock_levels)
        r.add("POST", "/WarehouseStockLevels", self.set_stock_level)
        r.add("PUT", "/WarehouseStockLevels", self.adjust_stock_level)
        self.router = r
        # route names by lower case: the server matches them case-insensitively
        self.resources = {name.lower(): name for name in
                          ("ProductPrices", "ProductAvailability", "Products", "Customers", "CustomerOrders",
                           "WarehouseStockLevels")}

    # ------------------------------------------------------------------ seed

    def reset(self, seed):
        rng = random.Random(seed)
        self.limiter.reset()
        self.products = {}
        for n in range(1, 41):
            p = self._seed_product(rng, n)
            self.products[p["productNumber"]] = p
        self.availability = self._seed_availability(rng)
        self.stock_levels = []
        for n in range(1, 41):
            number = self._product_number(n)
            self.stock_levels.append({"warehouse": "MAIN", "productNumber": number,
                                      "customerProductNumber": "WDG-%03d" % n, "notes": None, "balance": 10 * n})
            if n % 2 == 0:
                self.stock_levels.append({"warehouse": "GBG", "productNumber": number,
                                          "customerProductNumber": "WDG-%03d" % n, "notes": None, "balance": 5 * n})
        self.customers = {}
        for n, spec in enumerate(CUSTOMERS, start=1):
            c = self._seed_customer(n, spec)
            self.customers[c["customerNumber"]] = c
        self.orders = {}
        for n in range(1, 26):
            o = self._seed_order(n)
            self.orders[o["orderNumber"]] = o

    @staticmethod
    def _product_number(n):
        return "KIT 40/B" if n == 40 else "ART-%d" % (1000 + n)

    def _seed_product(self, rng, n):
        name = "%s %s" % (NOUNS[(n - 1) % len(NOUNS)], VARIANTS[(n - 1) // len(NOUNS) % len(VARIANTS)])
        if n == 40:
            name = "Reservdelskit Ö"
        cost = D("100.00") if n == 1 else money(D(rng.randint(2000, 90000)) / 100)
        created = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=UTC) + datetime.timedelta(days=n)
        modified = datetime.datetime(2026, 10, 1, 8, 0, tzinfo=UTC) + datetime.timedelta(days=n - 1)
        return {"productNumber": self._product_number(n), "productName": name, "createDate": iso(created),
                "productUnit": "st", "cost": cost, "currency": "SEK", "countryOfOrigin": "CN" if n % 4 == 0 else "SE",
                "supplyMode": "Warehouse", "manufacturer": "Nordform", "manufacturerProductNumber": "NF-%d" % (500 + n),
                "gtinNumberList": ["735000000%04d" % n], "warehouse": "GBG" if n % 2 == 0 else "MAIN",
                "statisticalCategory1": NOUNS[(n - 1) % len(NOUNS)],
                "statisticalCategory2": VARIANTS[(n - 1) // len(NOUNS) % len(VARIANTS)],
                "statisticalCategory3": "Outlet" if n % 10 == 0 else None,
                "enabled": n != 39, "modifiedDate": iso(modified),
                "_n": n, "_description": "%s, %s" % (name, "made in China" if n % 4 == 0 else "made in Sweden"),
                "_supplierNumber": "SUP-%d" % (n % 3 + 1), "_supplierProductNumber": "S%d-%04d" % (n % 3 + 1, n)}

    def _seed_availability(self, rng):
        rows = []
        for n in range(1, 41):
            for code, wname in WAREHOUSES:
                if code == "GBG" and n % 2:
                    continue
                if code == "MMO" and n % 5:
                    continue
                physical = rng.randint(0, 200)
                blocked = rng.randint(0, 5)
                ordered = rng.randint(0, 20)
                if (n, code) == (1, "MAIN"):
                    physical, blocked, ordered = 120, 2, 18
                available = max(0, physical - blocked - ordered)
                row = {"warehouse": code, "warehouseName": wname, "productNumber": self._product_number(n),
                       "physicalBalance": physical, "availableBalanceNow": available, "blockedBalance": blocked,
                       "orderedQuantity": ordered, "nextReceivingDate": None, "quantityOnNextReceiving": None,
                       "avaiableOnNextReceiving": None, "changeDate": None}
                if n % 3 == 0:
                    incoming = rng.randint(10, 100)
                    row["nextReceivingDate"] = "2026-12-%02dT00:00:00+00:00" % (n % 28 + 1)
                    row["quantityOnNextReceiving"] = incoming
                    row["avaiableOnNextReceiving"] = available + incoming
                rows.append(row)
        for i, row in enumerate(rows):
            moment = datetime.datetime(2026, 11, 20, tzinfo=UTC) + datetime.timedelta(hours=(37 * i) % len(rows))
            row["changeDate"] = iso(moment)
        return rows

    def _seed_customer(self, n, spec):
        name, last, city, currency, discount = spec
        number = str(10000 + n)
        words = (name + " " + (last or "")).lower().translate(str.maketrans("åäö", "aao")).split()
        slug = "".join(re.sub(r"[^a-z]", "", w) for w in words if w not in ("ab", "gmbh", "oy"))
        changed = datetime.datetime(2026, 1, 5, 9, 15) + datetime.timedelta(days=25 * (n - 1))
        return {
            "customerNumber": number,
            "name": name,
            "lastName": last,
            "organizationNumber": None if last else "5566%02d-%04d" % (n, 1000 + n),
            "email2": "%s@%s.example.com" % ("orders" if not last else name.lower(), slug),
            "phoneNumber2": "08-555 %02d %02d" % (n, n + 10),
            "deliveryAddress1": "Storgatan %d" % n,
            "deliveryPostalCode": "%03d %02d" % (100 + n * 7, n),
            "deliveryCity": city,
            "creditLimit": "%d.00" % (0 if last else 50000 + 5000 * n),
            "creditLimitCurrency": currency,
            "changeDate": changed.strftime("%Y-%m-%dT%H:%M:%S"),
            "invoiceEmail": None if last else "invoice@%s.example.com" % slug,
            # not in the API's list items: the price list's basis
            "_discount": discount,
        }

    def _seed_order(self, n):
        customer = self.customers[str(10001 + (n - 1) % 6)]
        ordered_at = datetime.datetime(2026, 10, 1, 10, n, tzinfo=UTC) + datetime.timedelta(days=2 * (n - 1))
        rows = []
        for j in range(n % 3 + 1):
            product = self.products[self._product_number((n * 7 + j * 3) % 39 + 1)]
            rows.append(self._order_row(j + 1, product, customer, j + 1, None, None, None, "MAIN", "Reserved"))
        return {
            "orderNumber": str(100000 + n),
            "orderNumberExternal": None if n % 4 == 0 else "WEB-%d" % (5000 + n),
            "orderType": "Normal",
            "orderStatus": SEED_STATUSES[n % 5],
            "orderDate": iso(ordered_at),
            "askedDeliveryDate": iso(datetime.datetime.combine(ordered_at.date() + datetime.timedelta(days=5),
                                                               datetime.time(), UTC)),
            "customerNumber": customer["customerNumber"],
            "customerName": self._customer_name(customer),
            "totalPrice": self._total(rows),
            "changeDate": iso(ordered_at + datetime.timedelta(days=n % 5, hours=2)),
            "partialDelivery": True,
            "freightFree": False,
            "_rows": rows,
            "_shipments": self._seed_shipments(n, ordered_at, rows),
        }

    @staticmethod
    def _seed_shipments(n, ordered_at, rows):
        """What the ERP shipped of a seed order (the details the guide fetches
        with CustomerOrders/{id} after an order hook): a partly delivered order
        its first row, a terminated one every row, in one shipment."""
        status = SEED_STATUSES[n % 5]
        if status not in ("PartiallyDelivered", "Terminated"):
            return []
        shipped = rows[:1] if status == "PartiallyDelivered" else rows
        number = "00370730%010d" % (100000 + n)
        return [{
            "shipmentNumber": "SH-%d-1" % (100000 + n),
            "shippedDate": iso(ordered_at + datetime.timedelta(days=1, hours=3)),
            "carrier": "PostNord",
            "trackingNumber": number,
            "trackingUrl": "https://tracking.postnord.com/se/?id=%s" % number,
            "warehouse": "MAIN",
            "rows": [{"position": r["position"], "productNumber": r["product"]["productNumber"],
                      "quantity": r["salesData"]["quantity"]} for r in shipped],
        }]

    # ------------------------------------------------------------- prices

    def _price_items(self, customer):
        """The customer's net price list, in product order."""
        items = []
        eur = customer["creditLimitCurrency"] == "EUR"
        for number in sorted(self.products):
            product = self.products[number]
            list_price = money(D(product["cost"]) * D("1.6") * (SEK_TO_EUR if eur else 1))
            price = money(list_price * (100 - customer["_discount"]) / 100)
            tiers = [(1, price)]
            if product["_n"] % 3 == 0:
                tiers.append((10, money(price * D("0.95"))))
            for from_quantity, amount in tiers:
                items.append({"productNumber": number, "salesUnit": "st", "fromQuantity": from_quantity,
                              "price": amount, "listPrice": list_price, "vatPercent": D("25.0"),
                              "currency": customer["creditLimitCurrency"]})
        return items

    def _unit_price(self, customer, product_number):
        for item in self._price_items(customer):
            if item["productNumber"] == product_number and item["fromQuantity"] == 1:
                return item["price"]
        return D(0)

    # ------------------------------------------------------------ envelopes

    def error_response(self, status, message, req=None):
        # a dict: the stock-level requests' {code, Message, Information}
        return Response.json(status, message if isinstance(message, dict) else {"Message": message})

    def _page(self, req, key, rows):
        """One page of a pageNumber list: {key: [...], paginationInfo}."""
        page = self._int_param(req, "pageNumber", 1, 1)
        size = self.cfg("page_size")
        total_pages = (len(rows) + size - 1) // size
        chunk = rows[(page - 1) * size:page * size]
        return Response.json(200, {key: chunk, "paginationInfo": {
            "currentPage": page, "totalPages": total_pages, "pageSize": size,
            "totalResources": len(rows), "message": None}})

    def _slice(self, req, rows):
        """One page of a bare-array list (pageCount rows from page pageOffset)."""
        count = self._int_param(req, "pageCount", self.cfg("default_page_count"), 1)
        offset = self._int_param(req, "pageOffset", 0, 0)
        return Response.json(200, rows[offset * count:(offset + 1) * count])

    def _int_param(self, req, name, default, minimum):
        value = self.param(req, name)
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except ValueError:
            raise bad("The value '%s' is not valid for %s." % (value, name)) from None
        if number < minimum:
            raise bad("%s must be at least %d." % (name, minimum))
        return number

    @staticmethod
    def param(req, name):
        """A query parameter, its name matched case-insensitively."""
        values = ExtendAPI.params(req, name)
        return values[0] if values else None

    @staticmethod
    def params(req, name):
        return [v for k, v in req.params if k.lower() == name.lower()]

    def _since(self, req, name):
        value = self.param(req, name)
        return parse_datetime(value, name) if value not in (None, "") else None

    # ------------------------------------------------ auth and rate limits

    def _authorized(self, req):
        header = req.header("ExtendBasicAuthorization") or ""
        scheme, _, token = header.partition(" ")
        expected = base64.b64encode(("%s:%s" % (self.cfg("username"), self.cfg("password"))).encode()).decode()
        return scheme.lower() == "basic" and token.strip() == expected

    def _rate_headers(self, req):
        count, reset = self.limiter.hit(req.header("ExtendBasicAuthorization") or "", 60)
        limit = self.cfg("rate_limit_per_minute")
        limited = 0 < limit < count
        if limit <= 0:
            limit, remaining = 300, 300
        else:
            remaining = max(0, limit - count)
        headers = [("x-ratelimit-limit", str(limit)), ("x-ratelimit-remaining", str(remaining)),
                   ("x-ratelimit-reset", str(int(reset + 0.999)))]
        if limited:
            headers.append(("Retry-After", str(max(1, int(reset - time.time() + 0.999)))))
        return headers, limited

    def handle(self, req):
        headers, limited = self._rate_headers(req)
        if not self._authorized(req):
            resp = self.error_response(401, UNAUTHORIZED)
        elif limited:
            resp = self.error_response(429, "API calls quota exceeded! maximum admitted %d per 1m."
                                       % self.cfg("rate_limit_per_minute"))
        else:
            resp = self._route(req)
        resp.headers.extend(headers)
        return resp

    def _route(self, req):
        segs = req.segments
        if len(segs) < 4 or segs[0].lower() != "restapi" or segs[1].lower() != "v1_0":
            return self.error_response(404, "No HTTP resource was found that matches the request URI.")
        if segs[2] not in self.cfg("client").split(","):
            return self.error_response(404, "Unknown client '%s'." % segs[2])
        rest = [self.resources.get(segs[3].lower(), segs[3])] + segs[4:]
        handler, params = self.router.match(req.method, rest)
        if handler is None:
            return self.error_response(404, "No HTTP resource was found that matches the request URI.")
        try:
            return handler(req, **params)
        except ApiError as exc:
            return self.error_response(exc.status, exc.message)

    def body(self, req):
        data = req.json()
        if not isinstance(data, dict):
            raise bad("The request is invalid: the body must be a JSON object.")
        return data

    # ------------------------------------------------------- prices, stock

    def list_prices(self, req):
        number = self.param(req, "customerNumber")
        if not number:
            raise bad("customerNumber is required.")
        wanted = [v for v in self.params(req, "productNumberList") if v != ""]
        if len(wanted) > self.cfg("max_product_numbers"):
            raise bad("productNumberList may hold at most %d product numbers." % self.cfg("max_product_numbers"))
        customer = self.customers.get(number)
        rows = self._price_items(customer) if customer else []
        if wanted:
            rows = [r for r in rows if r["productNumber"] in wanted]
        currency = self.param(req, "currency")
        if currency:
            rows = [r for r in rows if r["currency"] == currency]
        return self._page(req, "productPriceItemList", rows)

    def list_availability(self, req):
        rows = list(self.availability)
        product = self.param(req, "productNumber")
        if product:
            rows = [r for r in rows if r["productNumber"] == product]
        warehouse = self.param(req, "warehouse")
        if warehouse:
            rows = [r for r in rows if r["warehouse"] == warehouse]
        since = self._since(req, "modifiedDateFrom")
        if since:
            rows = [r for r in rows if parse_datetime(r["changeDate"], "changeDate") >= since]
        return self._page(req, "productAvailabilityList", rows)

    # ------------------------------------------------------------- products

    def list_products(self, req):
        rows = [self.products[k] for k in sorted(self.products)]
        for param, field in (("productNumber", "productNumber"), ("supplyMode", "supplyMode"),
                             ("warehouse", "warehouse"), ("supplierNumber", "_supplierNumber"),
                             ("supplierProductNumber", "_supplierProductNumber")):
            value = self.param(req, param)
            if value:
                rows = [p for p in rows if p[field] == value]
        name = self.param(req, "productName")
        if name:  # matched case-insensitively
            rows = [p for p in rows if p["productName"].lower() == name.lower()]
        # the change date filters the list, which does not show it
        since = self._since(req, "modifiedDateFrom")
        if since:
            rows = [p for p in rows if parse_datetime(p["modifiedDate"], "modifiedDate") >= since]
        until = self._since(req, "modifiedDateTo")
        if until:
            rows = [p for p in rows if parse_datetime(p["modifiedDate"], "modifiedDate") <= until]
        return self._slice(req, [self._product_item(p) for p in rows])

    @staticmethod
    def _product_item(p):
        """A ProductListItem: no change date."""
        return {k: p[k] for k in ("productNumber", "productName", "createDate", "productUnit", "cost", "currency",
                                  "countryOfOrigin", "supplyMode", "manufacturer", "manufacturerProductNumber",
                                  "gtinNumberList", "warehouse", "statisticalCategory1", "statisticalCategory2",
                                  "statisticalCategory3")}

    def get_product(self, req, id):
        p = self.products.get(id)
        if p is None:
            raise ApiError(404, "Product '%s' was not found." % id)
        stock = [{"warehouse": r["warehouse"], "availableBalance": r["availableBalanceNow"]}
                 for r in self.availability if r["productNumber"] == id]
        return Response.json(200, {
            "productNumber": p["productNumber"],
            "productData": {"productName": p["productName"], "productDescription": p["_description"],
                            "productUnit": p["productUnit"], "cost": p["cost"],
                            "currency": p["currency"], "countryOfOrigin": p["countryOfOrigin"],
                            "supplyMode": p["supplyMode"], "enabled": p["enabled"], "annulled": False,
                            "statisticalCategory1": p["statisticalCategory1"],
                            "statisticalCategory2": p["statisticalCategory2"],
                            "statisticalCategory3": p["statisticalCategory3"],
                            "manufacturer": p["manufacturer"],
                            "manufacturerProductNumber": p["manufacturerProductNumber"],
                            "gtinNumberList": p["gtinNumberList"], "warehouse": p["warehouse"]},
            "productDates": {"createdDate": p["createDate"], "changedDate": p["modifiedDate"],
                             "changedBy": "erp",
                             "externalChangedDate": "2026-09-15T07:30:00+00:00" if p["_n"] % 5 == 0 else None},
            "productWarehouses": stock,
            "productSuppliers": [{"supplierNumber": p["_supplierNumber"],
                                  "supplierProductNumber": p["_supplierProductNumber"]}],
        })

    # --------------------------------------------------------- stock levels

    def list_stock_levels(self, req):
        warehouse = self.param(req, "warehouse")
        if not warehouse:
            raise bad("warehouse is required.")
        rows = [dict(r, warehouseName=dict(WAREHOUSES).get(r["warehouse"])) for r in self.stock_levels
                if r["warehouse"] == warehouse]
        number = self.param(req, "productNumber")
        if number:
            rows = [r for r in rows if r["productNumber"] == number]
        return self._page(req, "stockLevelItemList", rows)

    def _stock_item(self, body, amount_key):
        """The level a set/adjust body names (created when missing) and its amount."""
        warehouse, number = body.get("warehouse"), body.get("productNumber")
        for key, value in (("warehouse", warehouse), ("productNumber", number)):
            if not isinstance(value, str) or not value:
                raise ApiError(400, {"code": "InvalidRequest", "Message": "The request is invalid.",
                                     "Information": "%s is required." % key})
        if warehouse not in dict(WAREHOUSES):
            raise ApiError(400, {"code": "NotFound", "Message": "The request is invalid.",
                                 "Information": "Warehouse '%s' does not exist." % warehouse})
        if number not in self.products:
            raise ApiError(400, {"code": "NotFound", "Message": "The request is invalid.",
                                 "Information": "Product '%s' does not exist." % number})
        amount = body.get(amount_key)
        if isinstance(amount, bool) or not isinstance(amount, (int, float, D)):
            raise ApiError(400, {"code": "InvalidRequest", "Message": "The request is invalid.",
                                 "Information": "%s must be a number." % amount_key})
        item = next((r for r in self.stock_levels if r["warehouse"] == warehouse and r["productNumber"] == number),
                    None)
        if item is None:
            item = {"warehouse": warehouse, "productNumber": number, "customerProductNumber": None, "notes": None,
                    "balance": 0}
            self.stock_levels.append(item)
        for key in ("customerProductNumber", "notes"):
            if key in body:
                if body[key] is not None and not isinstance(body[key], str):
                    raise ApiError(400, {"code": "InvalidRequest", "Message": "The request is invalid.",
                                         "Information": "%s must be a string." % key})
                item[key] = body[key]
        return item, D(str(amount))

    def set_stock_level(self, req):
        item, amount = self._stock_item(self.body(req), "balance")
        item["balance"] = amount
        return Response.json(200, {"code": "OK", "Message": "Stock level set.",
                                   "Information": "%s in %s: balance %s." % (item["productNumber"],
                                                                             item["warehouse"], amount)})

    def adjust_stock_level(self, req):
        item, amount = self._stock_item(self.body(req), "balanceDifference")
        item["balance"] = D(str(item["balance"])) + amount
        return Response.json(200, {"code": "OK", "Message": "Stock level adjusted.",
                                   "Information": "%s in %s: balance %s." % (item["productNumber"],
                                                                             item["warehouse"], item["balance"])})

    # ------------------------------------------------------------ customers

    @staticmethod
    def _customer_item(c):
        return {k: v for k, v in c.items() if not k.startswith("_")}

    @staticmethod
    def _customer_name(c):
        return c["name"] if not c["lastName"] else "%s %s" % (c["name"], c["lastName"])

    def list_customers(self, req):
        rows = [self.customers[k] for k in sorted(self.customers)]
        number = self.param(req, "customerNumber")
        if number:
            rows = [c for c in rows if c["customerNumber"] == number]
        name = self.param(req, "name")
        if name:
            rows = [c for c in rows if (c["name"] or "").lower() == name.lower()]
        email = self.param(req, "email2")
        if email:
            rows = [c for c in rows if (c["email2"] or "").lower() == email.lower()]
        since = self._since(req, "changedAfterDate")
        if since:
            rows = [c for c in rows if parse_datetime(c["changeDate"], "changeDate") >= since]
        return self._page(req, "customerList", [self._customer_item(c) for c in rows])

    def _customer(self, number):
        c = self.customers.get(number)
        if c is None:
            raise ApiError(404, "Customer '%s' was not found." % number)
        return c

    def get_customer(self, req, id):
        """The single customer: the list item's fields and the customer's
        master data the list does not carry (invoice address, country, VAT
        number, terms, group, language, blocked)."""
        c = self._customer(id)
        item = self._customer_item(c)
        n = int(c["customerNumber"]) - 10000
        company = not c["lastName"]
        item.update({
            "invoiceAddress1": c["deliveryAddress1"] if n % 2 else "Box %d" % (100 + n),
            "invoicePostalCode": c["deliveryPostalCode"],
            "invoiceCity": c["deliveryCity"],
            "countryCode": "DE" if c["creditLimitCurrency"] == "EUR" and n == 2 else
                           "FI" if c["creditLimitCurrency"] == "EUR" else "SE",
            "vatNumber": "SE5566%02d%04d01" % (n, 1000 + n) if company and n <= 12 else None,
            "paymentTerms": "30 days" if company else "Card",
            "deliveryTerms": "DAP",
            "customerGroup": "Retail" if company else "Consumer",
            "languageCode": "sv" if c["creditLimitCurrency"] == "SEK" else "en",
            "blocked": n == 12,
        })
        return Response.json(200, item)

    def _customer_fields(self, body, customer):
        for key in CUSTOMER_FIELDS:
            if key not in body or key == "customerNumber":
                continue
            value = body[key]
            if key == "creditLimit" and value is not None:
                try:
                    value = "%s" % money(D(str(value)))
                except decimal.InvalidOperation:
                    raise bad("The value '%s' is not valid for creditLimit." % value) from None
            elif value is not None and not isinstance(value, str):
                raise bad("%s must be a string." % key)
            customer[key] = value
        if not customer.get("name"):
            raise bad("name is required.")

    def _now(self):
        return "%sT12:00:00" % self.cfg("today")

    def create_customer(self, req):
        body = self.body(req)
        number = body.get("customerNumber")
        if number is not None and not isinstance(number, str):
            raise bad("customerNumber must be a string.")
        if number in (None, ""):
            number = str(max(int(k) for k in self.customers) + 1)
        elif number in self.customers:
            raise bad("Customer number '%s' already exists." % number)
        customer = {k: None for k in CUSTOMER_FIELDS}
        customer.update({"customerNumber": number, "creditLimitCurrency": "SEK", "_discount": 0})
        self._customer_fields(body, customer)
        customer["changeDate"] = self._now()
        self.customers[number] = customer
        return Response.json(201, self._customer_item(customer))

    def edit_customer(self, req, id):
        customer = self._customer(id)
        updated = dict(customer)
        self._customer_fields(self.body(req), updated)
        updated["changeDate"] = self._now()
        customer.update(updated)
        return Response.json(200, self._customer_item(customer))

    # ---------------------------------------------------------------- orders

    @staticmethod
    def _total(rows):
        return money(sum(D(str(r["salesData"]["quantity"])) * D(str(r["salesData"]["unitPrice"])) for r in rows))

    def _order_row(self, position, product, customer, quantity, unit_price, vat, currency, warehouse, status):
        return {
            "position": position,
            "orderRowStatus": status,
            "product": {"productNumber": product["productNumber"], "productName": product["productName"]},
            "salesData": {"quantity": quantity, "unit": "st",
                          "unitPrice": unit_price if unit_price is not None
                          else self._unit_price(customer, product["productNumber"]),
                          "vatPercent": vat if vat is not None else D("25.0"),
                          "currency": currency or customer["creditLimitCurrency"]},
            "warehouse": warehouse,
        }

    @staticmethod
    def _order_item(o):
        return {k: v for k, v in o.items() if not k.startswith("_") and k not in ("partialDelivery", "freightFree")}

    @staticmethod
    def _order_detail(o):
        header = {k: o[k] for k in ("orderNumber", "orderType", "orderNumberExternal", "orderDate", "orderStatus",
                                    "customerNumber", "askedDeliveryDate", "partialDelivery", "freightFree")}
        return {"orderHeader": header, "orderRows": o["_rows"], "shipments": o.get("_shipments") or []}

    def list_orders(self, req):
        rows = [self.orders[k] for k in sorted(self.orders, key=int)]
        for param, field in (("orderNumber", "orderNumber"), ("orderNumberExternal", "orderNumberExternal"),
                             ("orderStatus", "orderStatus"), ("customerNumber", "customerNumber")):
            value = self.param(req, param)
            if value:
                rows = [o for o in rows if o[field] == value]
        # the bounds are inclusive
        for param, field, keep in (("orderDateFrom", "orderDate", lambda at, bound: at >= bound),
                                   ("orderDateTo", "orderDate", lambda at, bound: at <= bound),
                                   ("modifiedDateFrom", "changeDate", lambda at, bound: at >= bound)):
            bound = self._since(req, param)
            if bound:
                rows = [o for o in rows if keep(parse_datetime(o[field], field), bound)]
        return self._slice(req, [self._order_item(o) for o in rows])

    def get_order(self, req, id):
        o = self.orders.get(id)
        if o is None:
            raise ApiError(404, "Customer order '%s' was not found." % id)
        return Response.json(200, self._order_detail(o))

    def create_order(self, req):
        body = self.body(req)
        header = body.get("orderHeader")
        if not isinstance(header, dict):
            raise bad("orderHeader is required.")
        number = header.get("customerNumber")
        if not isinstance(number, str) or not number:
            raise bad("orderHeader.customerNumber is required.")
        customer = self.customers.get(number)
        if customer is None:
            raise bad("Customer '%s' does not exist." % number)
        order_type = header.get("orderType") or "Normal"
        if order_type not in ORDER_TYPES:
            raise bad("The value '%s' is not valid for orderType." % order_type)
        external = header.get("orderNumberExternal")
        if external is not None and not isinstance(external, str):
            raise bad("orderHeader.orderNumberExternal must be a string.")
        today = datetime.datetime.fromisoformat(self.cfg("today")).replace(hour=12, tzinfo=UTC)
        ordered_at = parse_datetime(header["orderDate"], "orderDate") if header.get("orderDate") else today
        asked = header.get("askedDeliveryDate")
        asked = iso(parse_datetime(asked, "askedDeliveryDate")) if asked else None
        rows_in = body.get("orderRows")
        if not isinstance(rows_in, list) or not rows_in:
            raise bad("orderRows must hold at least one row.")
        rows = []
        for i, row in enumerate(rows_in):
            where = "orderRows[%d]" % i
            if not isinstance(row, dict):
                raise bad("%s must be an object." % where)
            product_number = (row.get("product") or {}).get("productNumber") if isinstance(row.get("product"),
                                                                                            dict) else None
            if not isinstance(product_number, str) or not product_number:
                raise bad("%s.product.productNumber is required." % where)
            product = self.products.get(product_number)
            if product is None:
                raise bad("Product '%s' does not exist." % product_number)
            sales = row.get("salesData")
            if not isinstance(sales, dict):
                raise bad("%s.salesData is required." % where)
            quantity = sales.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, (int, float, D)) or quantity <= 0:
                raise bad("%s.salesData.quantity must be greater than 0." % where)
            for key in ("unitPrice", "vatPercent"):
                if sales.get(key) is not None and (isinstance(sales[key], bool)
                                                   or not isinstance(sales[key], (int, float, D))):
                    raise bad("%s.salesData.%s must be a number." % (where, key))
            warehouse = row.get("warehouse") or "MAIN"
            if warehouse not in dict(WAREHOUSES):
                raise bad("Warehouse '%s' does not exist." % warehouse)
            rows.append(self._order_row(i + 1, product, customer, quantity, sales.get("unitPrice"),
                                        sales.get("vatPercent"), sales.get("currency"), warehouse, "Created"))
        n = max(int(k) for k in self.orders) + 1
        order = {
            "orderNumber": str(n),
            "orderNumberExternal": external,
            "orderType": order_type,
            "orderStatus": "Created",
            "orderDate": iso(ordered_at),
            "askedDeliveryDate": asked,
            "customerNumber": number,
            "customerName": self._customer_name(customer),
            "totalPrice": self._total(rows),
            "changeDate": iso(today),
            "partialDelivery": bool(header.get("partialDelivery", True)),
            "freightFree": bool(header.get("freightFree", False)),
            "_rows": rows,
        }
        self.orders[order["orderNumber"]] = order
        return Response.json(201, self._order_detail(order))

    # ---------------------------------------------------------------- state

    def patch(self, collection, key, field, value):
        """``simctl patch extend products ART-1005 modifiedDate '"2026-11-23T13:00:00+00:00"'``:
        changes a product as the ERP would (its change date among them)."""
        if collection != "products":
            raise ValueError("extend patch works on: products")
        item = self.products.get(key)
        if item is None:
            raise ValueError("no extend product %s" % key)
        item[field] = value

    def state(self, collection, params):
        """Remote state for ``simctl state extend <collection>``.

        customers: --customer-number, --email; orders (detail shape plus the
        list fields): --order-number, --order-number-external, --customer-number;
        availability: --product-number, --warehouse; products: --product-number;
        stock-levels: --warehouse, --product-number, --customer-product-number.
        """
        def pick(items, checks):
            unknown = set(params) - set(checks)
            if unknown:
                raise ValueError("extend %s cannot be filtered by %s (only: %s)"
                                 % (collection, ", ".join(sorted(unknown)), ", ".join(sorted(checks))))
            return [i for i in items if all(str(checks[k](i)) == v for k, v in params.items())]

        if collection == "customers":
            rows = [self._customer_item(self.customers[k]) for k in sorted(self.customers)]
            return pick(rows, {"customer-number": lambda c: c["customerNumber"], "email": lambda c: c["email2"]})
        if collection == "orders":
            rows = []
            for k in sorted(self.orders, key=int):
                o = self.orders[k]
                detail = self._order_detail(o)
                detail["orderHeader"].update({f: o[f] for f in ("customerName", "totalPrice", "changeDate")})
                rows.append(detail)
            return pick(rows, {"order-number": lambda o: o["orderHeader"]["orderNumber"],
                               "order-number-external": lambda o: o["orderHeader"]["orderNumberExternal"],
                               "customer-number": lambda o: o["orderHeader"]["customerNumber"]})
        if collection == "availability":
            return pick(self.availability, {"product-number": lambda r: r["productNumber"],
                                            "warehouse": lambda r: r["warehouse"]})
        if collection == "products":
            return pick([self._product_item(self.products[k]) for k in sorted(self.products)],
                        {"product-number": lambda p: p["productNumber"]})
        if collection == "stock-levels":
            return pick(self.stock_levels, {"warehouse": lambda r: r["warehouse"],
                                            "product-number": lambda r: r["productNumber"],
                                            "customer-product-number": lambda r: r["customerProductNumber"]})
        raise ValueError("extend has no collection %r (customers, orders, availability, products, stock-levels)"
                         % collection)


API = ExtendAPI
