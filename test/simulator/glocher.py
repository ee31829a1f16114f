"""The Glocher API (``https://api-v1.glocher.com/api``), served under ``/glocher``.

Follows the Glocher API documentation: ``auth`` gives a token; every other
call takes ``token`` and the shop (``id`` or ``shop_id``); parameters come as
GET/POST fields or as one raw JSON body, never both; every answer is
``{"status": "OK"|"ERR", "data": ...}`` and an ERR comes with HTTP 200, its
data a list of ``[field, message]`` pairs; getStock and the cart lists give
1000 rows a page.

The documentation leaves some things open; the simulator decides them so:

* ``count`` in a list answer is the number of rows in the whole list;
* getShop's data has no ``id`` (the documentation lists none);
* the cart lists come "1000 per page" and take ``page`` as getStock does
  (``config glocher.cart_pages ignored``: they ignore it and answer the first
  page whatever is asked, as an API might that documents no ``page`` for them);
  ``config glocher.extra_completed_carts N`` adds N completed carts (ids 2001
  on) to the seed's;
* ``_imageData`` (a ``data:image/jpg;base64,`` URL) gives the product an
  image URL; ``_deleteImage`` true removes it;
* a product or cart that does not exist (or belongs to another shop) is
  ``ERR [["id", "Product not found"]]`` / ``"Cart not found"``;
* a shop other than the user's is ``ERR [["id", "You have no access to this
  shop"]]`` (``shop_id`` for the calls that name it so);
* an unknown or expired token is ``ERR [["token", "Invalid token"]]`` /
  ``"Token expired"``; tokens expire only when told to
  (``config glocher.token_ttl_requests N``: a token answers N calls);
* getStock rows also carry ``_tags`` and ``_external_id`` (documented for
  updateStock's answer only), and their quantity is ``qty`` where updateStock
  answers ``stock_qty``;
* updateStock checks every item before it changes anything: one bad item
  rejects the request;
* updateCartStatus completes paid and cash carts (a pending cart is ERR);
  updateCartPackageStatus readies the package of a paid or cash cart.

Seed data (the same for every seed):

* the user ``api@glocher.test`` / ``glocher-test-pass`` (id 732) is a member
  of shop 42 "Joe's Bakery" only;
* categories 1..6 (Bread, Pastry, Cakes, Drinks, Sandwiches, Seasonal);
* products 10001..12345 (2,345 of them, ids in order): category
  ``(n-1) % 6 + 1``; qty -1 ("not tracked") when n % 10 == 0; unpublished
  when n % 50 == 0; no image when n % 4 == 0; tags ``["bio"]`` when
  n % 5 == 0; products 10001..10100 have external ids ``glance-1`` ..
  ``glance-100``; product 10001 is "Sourdough Loaf", 4.50, 0.8 kg, size "L",
  color "brown", qty 25, tags ["bio", "bestseller"]; the next new product is
  12346;
* carts 501..530: pending 501..508, paid 509..515, cash 516..520, completed
  521..530; the packages of paid carts with an odd id are ready, those of the
  other paid and cash carts pending; every completed package is ready; cart
  509 was created "2026-11-20 09:15:00" with pickup "2026-11-21 10:00:00".
"""

import random
import re
import urllib.parse

from core import Response, SimAPI, loads, plain

SHOP_ID = 42
USER_ID = 732
CATEGORIES = ["Bread", "Pastry", "Cakes", "Drinks", "Sandwiches", "Seasonal"]
NOUNS = ["Loaf", "Roll", "Croissant", "Bagel", "Muffin", "Tart", "Cookie", "Scone", "Brioche", "Baguette"]
ADJECTIVES = ["Rye", "Spelt", "Butter", "Honey", "Seeded", "Oat", "Cocoa", "Lemon", "Walnut", "Plain"]
COLORS = ["brown", "golden", "white", "dark", None]
SIZES = ["S", "M", "L", None]
FIRST_PRODUCT = 10001
STOCK_COUNT = 2345
FIRST_CART = 501


class Err(Exception):
    """An ERR answer: ``pairs`` is the list of [field, message]."""

    def __init__(self, *pairs):
        super().__init__("; ".join("%s: %s" % p for p in pairs))
        self.pairs = [list(p) for p in pairs]


def number(value, field, item=None):
    """A number given as a JSON number or a numeric string."""
    where = " (item %d)" % item if item is not None else ""
    if value is None or value == "":
        raise Err((field, "Required" + where))
    if isinstance(value, bool):
        raise Err((field, "Must be a number" + where))
    try:
        return plain(loads(str(value)))
    except ValueError:
        raise Err((field, "Must be a number" + where)) from None


def integer(value, field, item=None):
    n = number(value, field, item)
    if not isinstance(n, int):
        raise Err((field, "Must be a whole number" + (" (item %d)" % item if item is not None else "")))
    return n


def flag(value, field, item=None):
    if value in (True, 1, "1", "true"):
        return 1
    if value in (False, 0, "0", "false"):
        return 0
    raise Err((field, "Must be 1 or 0" + (" (item %d)" % item if item is not None else "")))


class GlocherAPI(SimAPI):
    prefix = "glocher"
    config_defaults = {
        "email": "api@glocher.test",
        "password": "glocher-test-pass",
        # 0: tokens never expire; N: a token answers N calls, then "Token expired"
        "token_ttl_requests": 0,
        "page_size": 1000,
        # "honored": the cart lists take `page`; "ignored": they answer the first page whatever is asked
        "cart_pages": "honored",
        # completed carts added to the seed's (ids 2001 on)
        "extra_completed_carts": 0,
    }

    # ------------------------------------------------------------------ seed

    def reset(self, seed):
        rng = random.Random(seed)
        self.token_rng = random.Random(seed + 1)
        self.tokens = {}  # token -> {"label": "token1", "uses": 0}
        self.shop = self._seed_shop()
        self.categories = {n: {"id": n, "shop_id": SHOP_ID, "name": name,
                               "description": "%s from Joe's ovens" % name}
                           for n, name in enumerate(CATEGORIES, start=1)}
        self.stock = {}
        for n in range(1, STOCK_COUNT + 1):
            p = self._seed_product(rng, n)
            self.stock[p["id"]] = p
        self.next_product = FIRST_PRODUCT + STOCK_COUNT
        self.carts = {}
        for n in range(30):
            c = self._seed_cart(rng, n)
            self.carts[c["id"]] = c

    @staticmethod
    def _seed_shop():
        shop = {
            "name": "Joe's Bakery", "user_id": USER_ID,
            "lat": "43.234234", "lng": "18.234234",
            "description": "Coolest bakery in the area!", "zip": "98765", "city": "Los Angeles",
            "address": "100 S. Main Street", "country": "United States",
            "fulladdress": "District 7 100 S. Main Street Los Angeles, United States",
            "published": 1, "shop_category_id": 3, "currency_id": 1,
        }
        for day in range(1, 8):
            shop["open_from_%d" % day] = "8:00" if day < 7 else "10:00"
            shop["open_until_%d" % day] = "20:00" if day < 6 else "14:00"
            shop["open_%d" % day] = 1
        shop.update({
            "shipping_enabled": 1, "shipping_free_from": 50, "shipping_rate_base": "distance",
            "shipping_rates": [{"from": 0, "to": 5, "price": 3.5}, {"from": 5, "to": 20, "price": 7.9}],
            "paypal_email": "joe@bakery.example", "user_ratings_sum": 412, "user_ratings_count": 97,
            "shipping_required": 0, "pickup_time_required": 1,
        })
        return shop

    @staticmethod
    def _seed_product(rng, n):
        pid = FIRST_PRODUCT + n - 1
        name = "%s %s %d" % (ADJECTIVES[(n // 10) % 10], NOUNS[n % 10], n)
        price = rng.randint(50, 4999) / 100
        weight = rng.randint(5, 2000) / 1000
        product = {
            "id": pid, "shop_id": SHOP_ID, "shop_has_product_category_id": (n - 1) % 6 + 1,
            "name": name, "description": "Baked daily: %s" % name.lower(),
            "price": price, "weight": weight, "size": rng.choice(SIZES), "color": rng.choice(COLORS),
            "published": 0 if n % 50 == 0 else 1,
            "qty": -1 if n % 10 == 0 else rng.randint(0, 200),
            "_imageUrl": None if n % 4 == 0 else "https://img.glocher.test/42/%d.jpg" % pid,
            "_tags": ["bio"] if n % 5 == 0 else [],
            "_external_id": "glance-%d" % n if n <= 100 else None,
        }
        if n == 1:
            product.update({"name": "Sourdough Loaf", "description": "Slow-fermented sourdough", "price": 4.5,
                            "weight": 0.8, "size": "L", "color": "brown", "qty": 25,
                            "_tags": ["bio", "bestseller"]})
        return product

    @staticmethod
    def _seed_cart(rng, n):
        cid = FIRST_CART + n
        status = "pending" if n < 8 else "paid" if n < 15 else "cash" if n < 20 else "completed"
        products, subtotal = [], 0
        for _ in range(rng.randint(1, 3)):
            pid = FIRST_PRODUCT + rng.randint(0, 199)
            qty, price = rng.randint(1, 4), rng.randint(50, 2000) / 100
            products.append({"id": pid, "qty": qty, "price": price})
            subtotal += qty * price
        subtotal = round(subtotal, 2)
        shipping = n % 3 == 0
        shipping_cost = 3.5 if shipping else 0
        if status == "completed":
            package = "ready"
        elif status == "pending":
            package = "pending"
        else:
            package = "ready" if status == "paid" and cid % 2 == 1 else "pending"
        created = "2026-11-%02d %02d:%02d:00" % (1 + n % 28, 8 + n % 10, (n * 7) % 60)
        pickup = not shipping
        cart = {
            "id": cid, "user_id": 800 + rng.randint(0, 99), "shop_id": SHOP_ID, "products": products,
            "createdate": created, "status": status, "subtotal": subtotal, "currency_id": 1,
            "token": "%016x" % rng.getrandbits(64), "comment": "Please slice it" if n % 4 == 0 else "",
            "shipping": 1 if shipping else 0, "shipping_cost": shipping_cost,
            "shipping_data": {"from": 0, "to": 5, "price": 3.5} if shipping else None,
            "package_status": package, "package_id": "ABC-%06d" % (100000 + cid),
            "pickup_time": "2026-11-%02d 10:00:00" % (2 + n % 28) if pickup else None,
            "pickup": 1 if pickup else 0,
            "pickup_address": "%d Ocean Ave, Los Angeles" % (10 + n) if shipping else None,
            "pickup_lat": "34.0%05d" % (n * 311) if shipping else None,
            "pickup_lng": "-118.4%05d" % (n * 173) if shipping else None,
            "total": round(subtotal + shipping_cost, 2),
            "user_rating": (n % 5) + 1 if status == "completed" else None,
            "billing_name": "Customer %d" % cid, "billing_address": "%d Elm Street, Los Angeles" % cid,
        }
        if cid == 509:
            cart.update({"createdate": "2026-11-20 09:15:00", "pickup_time": "2026-11-21 10:00:00"})
        return cart

    # ------------------------------------------------------------ envelopes

    @staticmethod
    def ok(data, **extra):
        body = {"status": "OK", "data": data}
        body.update(extra)
        return Response.json(200, body)

    @staticmethod
    def err(pairs, status=200):
        return Response.json(status, {"status": "ERR", "data": pairs})

    def error_response(self, status, message, req=None):
        return self.err([["request", message]], status)

    # ------------------------------------------------------- the request log

    TOKEN_IN_BODY = re.compile(r'("token"\s*:\s*)"((?:[^"\\]|\\.)*)"')
    PWD_IN_BODY = re.compile(r'("pwd"\s*:\s*)"((?:[^"\\]|\\.)*)"')

    def _token_label(self, token):
        known = self.tokens.get(token)
        return "<%s>" % known["label"] if known else "<unknown token>"

    def log_view(self, req):
        """Tokens show as <tokenN> (the N-th issued since reset), passwords as
        <password>; the rest exactly as received."""
        query = req.query
        if query:
            parts = []
            for part in query.split("&"):
                name, eq, value = part.partition("=")
                name_plain = urllib.parse.unquote_plus(name)
                if eq and name_plain == "token":
                    value = self._token_label(urllib.parse.unquote_plus(value))
                elif eq and name_plain == "pwd":
                    value = "<password>"
                parts.append(name + eq + value)
            query = "&".join(parts)
        body = req.text
        body = self.TOKEN_IN_BODY.sub(
            lambda m: m.group(1) + '"%s"' % self._token_label(loads('"%s"' % m.group(2))), body)
        body = self.PWD_IN_BODY.sub(lambda m: m.group(1) + '"<password>"', body)
        return query, body

    # ------------------------------------------------------------- dispatch

    def handle(self, req):
        if len(req.segments) != 1:
            return self.err([["request", "Unknown call %s" % req.path]])
        handler = getattr(self, "call_" + req.segments[0], None)
        if handler is None or req.method not in ("GET", "POST"):
            return self.err([["request", "Unknown call %s %s" % (req.method, req.path)]])
        try:
            params = self._params(req)
            if req.segments[0] != "auth":
                self._check_token(params)
            return handler(params)
        except Err as exc:
            return self.err(exc.pairs)

    @staticmethod
    def _params(req):
        """GET/POST fields or the raw JSON body; the two mixed are refused."""
        content_type = (req.header("Content-Type") or "").lower()
        body = req.body.strip()
        if body and "application/x-www-form-urlencoded" in content_type:
            fields = urllib.parse.parse_qsl(req.text, keep_blank_values=True)
            return dict(req.params + fields)
        if body:
            if req.params:
                raise Err(("request", "Do not mix raw data with GET/POST data"))
            try:
                data = loads(req.text)
            except ValueError:
                raise Err(("request", "Invalid JSON data")) from None
            if not isinstance(data, dict):
                raise Err(("request", "The JSON data must be an object"))
            return data
        return dict(req.params)

    def _check_token(self, params):
        token = params.get("token")
        if not token:
            raise Err(("token", "Missing token"))
        known = self.tokens.get(token)
        if known is None:
            raise Err(("token", "Invalid token"))
        ttl = self.cfg("token_ttl_requests")
        if ttl > 0 and known["uses"] >= ttl:
            raise Err(("token", "Token expired"))
        known["uses"] += 1

    @staticmethod
    def _shop(params, name):
        value = params.get(name)
        if value in (None, ""):
            raise Err((name, "Required"))
        if str(value) != str(SHOP_ID):
            raise Err((name, "You have no access to this shop"))

    @staticmethod
    def _id(params, name="id"):
        value = params.get(name)
        if value in (None, ""):
            raise Err((name, "Required"))
        try:
            return int(str(value))
        except ValueError:
            raise Err((name, "Must be a number")) from None

    def _cart_page(self, params, rows):
        """A cart list: paged like getStock, or (``cart_pages ignored``) the
        first page whatever is asked."""
        if self.cfg("cart_pages") == "ignored":
            size = self.cfg("page_size")
            return self.ok(rows[:size], page=1, count=len(rows))
        return self._page(params, rows)

    def _page(self, params, rows):
        try:
            page = int(str(params.get("page") or 1))
        except ValueError:
            raise Err(("page", "Must be a number")) from None
        if page < 1:
            raise Err(("page", "Must be 1 or more"))
        size = self.cfg("page_size")
        return self.ok(rows[(page - 1) * size: page * size], page=page, count=len(rows))

    # ----------------------------------------------------------------- calls

    def call_auth(self, params):
        if params.get("email") != self.cfg("email") or params.get("pwd") != self.cfg("password"):
            raise Err(("login", "Wrong email or password"))
        token = "".join(self.token_rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                        for _ in range(32))
        self.tokens[token] = {"label": "token%d" % (len(self.tokens) + 1), "uses": 0}
        return self.ok({"token": token, "id": USER_ID})

    def call_getShop(self, params):
        self._shop(params, "id")
        return self.ok(self.shop)

    def call_getCategories(self, params):
        self._shop(params, "id")
        return self.ok([self.categories[k] for k in sorted(self.categories)])

    @staticmethod
    def stock_view(p):
        return dict(p)

    @staticmethod
    def written_view(p):
        """A product as updateStock answers it: the quantity is stock_qty."""
        out = {k: v for k, v in p.items() if k != "qty"}
        out["stock_qty"] = p["qty"]
        return out

    def call_getStock(self, params):
        self._shop(params, "id")
        return self._page(params, [self.stock_view(self.stock[k]) for k in sorted(self.stock)])

    def _product(self, params):
        pid = self._id(params)
        product = self.stock.get(pid)
        if product is None:
            raise Err(("id", "Product not found"))
        return product

    def call_getStockByProduct(self, params):
        self._shop(params, "shop_id")
        return self.ok(self.stock_view(self._product(params)))

    def _carts(self, statuses):
        extra = int(self.cfg("extra_completed_carts") or 0)
        have = sum(1 for k in self.carts if k >= 2001)
        for n in range(have, extra):
            cart = self._seed_cart(random.Random(n), 20 + n % 10)
            cart.update({"id": 2001 + n, "package_id": "ABC-%06d" % (102001 + n),
                         "billing_name": "Customer %d" % (2001 + n)})
            self.carts[cart["id"]] = cart
        return [self.carts[k] for k in sorted(self.carts) if self.carts[k]["status"] in statuses]

    def call_getPendingCarts(self, params):
        self._shop(params, "id")
        return self._cart_page(params, self._carts(("pending",)))

    def call_getPaidCarts(self, params):
        self._shop(params, "id")
        return self._cart_page(params, self._carts(("paid", "cash")))

    def call_getCompletedCarts(self, params):
        self._shop(params, "id")
        return self._cart_page(params, self._carts(("completed",)))

    def _cart(self, params):
        self._shop(params, "shop_id")
        cart = self.carts.get(self._id(params))
        if cart is None:
            raise Err(("id", "Cart not found"))
        return cart

    def call_getCart(self, params):
        return self.ok(self._cart(params))

    def call_updateCartStatus(self, params):
        cart = self._cart(params)
        if cart["status"] == "pending":
            raise Err(("status", "A pending cart cannot be completed"))
        cart["status"] = "completed"
        return self.ok(cart)

    def call_updateCartPackageStatus(self, params):
        cart = self._cart(params)
        if cart["status"] == "pending":
            raise Err(("package_status", "The package of a pending cart can only be pending"))
        cart["package_status"] = "ready"
        return self.ok(cart)

    def call_updateStock(self, params):
        self._shop(params, "id")
        items = params.get("data")
        if not isinstance(items, list) or not items:
            raise Err(("data", "Required: an array of products"))
        changes = [self._stock_change(item, i + 1) for i, item in enumerate(items)]
        return self.ok([self.written_view(self._apply(change)) for change in changes])

    def call_updateStockByProduct(self, params):
        self._shop(params, "id")
        item = params.get("data")
        if not isinstance(item, dict):
            raise Err(("data", "Required: a product object"))
        return self.ok(self.written_view(self._apply(self._stock_change(item, None))))

    def _stock_change(self, item, n):
        """Checks one product of updateStock; returns (existing product or
        None, the fields to set). Nothing is changed yet."""
        if not isinstance(item, dict):
            raise Err(("data", "Each product must be an object (item %d)" % n))
        existing = None
        if item.get("id") not in (None, ""):
            try:
                existing = self.stock.get(int(str(item["id"])))
            except ValueError:
                existing = None
        fields = {"price": number(item.get("price"), "price", n), "weight": number(item.get("weight"), "weight", n)}
        if existing is None and not item.get("name"):
            raise Err(("name", "Required for a new product" + (" (item %d)" % n if n else "")))
        for key in ("name", "description", "size", "color"):
            if key in item:
                value = item[key]
                if value is not None and not isinstance(value, str):
                    raise Err((key, "Must be text" + (" (item %d)" % n if n else "")))
                fields[key] = value
        if item.get("shop_has_product_category_id") is not None:
            category = integer(item["shop_has_product_category_id"], "shop_has_product_category_id", n)
            if category not in self.categories:
                raise Err(("shop_has_product_category_id", "Unknown category %d" % category))
            fields["shop_has_product_category_id"] = category
        if "published" in item:
            fields["published"] = flag(item["published"], "published", n)
        if "stock_qty" in item:
            qty = integer(item["stock_qty"], "stock_qty", n)
            if qty < -1:
                raise Err(("stock_qty", "Must be -1 or more" + (" (item %d)" % n if n else "")))
            fields["qty"] = qty
        if "_tags" in item:
            tags = item["_tags"]
            if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
                raise Err(("_tags", "Must be an array of strings"))
            fields["_tags"] = tags or []
        if "_external_id" in item:
            fields["_external_id"] = None if item["_external_id"] is None else str(item["_external_id"])
        if item.get("_deleteImage") in (True, 1, "1", "true"):
            fields["_imageUrl"] = None
        if item.get("_imageData"):
            fields["_imageUrl"] = "pending"
        return existing, fields

    def _apply(self, change):
        existing, fields = change
        if existing is None:
            pid = self.next_product
            self.next_product += 1
            existing = {"id": pid, "shop_id": SHOP_ID, "shop_has_product_category_id": None, "name": None,
                        "description": None, "price": 0, "weight": 0, "size": None, "color": None,
                        "published": 1, "qty": -1, "_imageUrl": None, "_tags": [], "_external_id": None}
            self.stock[pid] = existing
        existing.update(fields)
        if existing["_imageUrl"] == "pending":
            existing["_imageUrl"] = "https://img.glocher.test/42/%d.jpg" % existing["id"]
        return existing

    # ---------------------------------------------------------------- state

    def state(self, collection, params):
        """Remote state for ``simctl state glocher <collection>``: shop;
        categories; stock (--id, --external-id, --name); carts (--id,
        --status); tokens (label and uses, never the token)."""
        def pick(rows, checks):
            unknown = set(params) - set(checks)
            if unknown:
                raise ValueError("glocher %s cannot be filtered by %s (only: %s)"
                                 % (collection, ", ".join(sorted(unknown)), ", ".join(sorted(checks)) or "none"))
            return [r for r in rows
                    if all(str(checks[k](r)) == v for k, v in params.items())]

        if collection == "shop":
            return pick([self.shop], {})
        if collection == "categories":
            return pick([self.categories[k] for k in sorted(self.categories)], {"id": lambda c: c["id"]})
        if collection == "stock":
            return pick([self.stock[k] for k in sorted(self.stock)],
                        {"id": lambda p: p["id"], "external-id": lambda p: p["_external_id"],
                         "name": lambda p: p["name"]})
        if collection == "carts":
            return pick([self.carts[k] for k in sorted(self.carts)],
                        {"id": lambda c: c["id"], "status": lambda c: c["status"]})
        if collection == "tokens":
            return pick([{"label": t["label"], "uses": t["uses"]}
                         for t in sorted(self.tokens.values(), key=lambda t: int(t["label"][5:]))], {})
        raise ValueError("glocher has no collection %r (shop, categories, stock, carts, tokens)" % collection)


API = GlocherAPI
