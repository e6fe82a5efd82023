"""A small fake of Stripe's API on 127.0.0.1, for tests: only what Atlas calls.

The official `stripe` SDK talks to it (settings.STRIPE_API_BASE points there): customers, products,
prices, checkout sessions (with a minimal checkout page that "pays" and redirects back), billing
portal sessions (with a page that switches the plan to another price, or cancels at the period's
end), and subscriptions. Every change
makes a Stripe-shaped event, signed with the real scheme (`Stripe-Signature: t=...,v1=HMAC-SHA256`)
and posted to `webhook_url`, at once, after `delivery_delay` seconds, or not at all (the test then
delivers `events` itself, in any order). Objects have the shape of API 2025-03-31 and later (the
period on subscription items, an invoice's subscription under `parent`), as the SDK asks for.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DAY = 24 * 3600
INTERVAL_SECONDS = {"month": 30 * DAY, "year": 365 * DAY}


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value for `payload` (Stripe's scheme: HMAC-SHA256 of
    "{timestamp}.{payload}" with the endpoint's secret)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def parse_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=x`) into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists(value) for key, value in node.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return node


def _bool(value: Any) -> bool:
    return value in (True, "true", "True", "1")


class StripeError(Exception):
    def __init__(self, status: int, message: str, code: str = "resource_missing") -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": "invalid_request_error", "message": message, "code": code}}


@dataclass
class FakeStripe:
    webhook_secret: str = "whsec_test_fake"
    webhook_url: str = ""
    auto_deliver: bool = True
    delivery_delay: float = 0.0
    clock_offset: int = 0
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    delivered: list[tuple[str, int]] = field(default_factory=list)
    idempotent: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    pending: list[dict[str, Any]] = field(default_factory=list)
    depth: threading.local = field(default_factory=threading.local)
    timers: list[threading.Timer] = field(default_factory=list)

    @contextlib.contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the lock while objects change; deliver the events they made once it is let go
        (Atlas calls back into this server while it handles them)."""
        depth = getattr(self.depth, "value", 0)
        self.depth.value = depth + 1
        try:
            with self.lock:
                yield
        finally:
            self.depth.value = depth
        if depth == 0:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            events, self.pending = self.pending, []
        for event in events:
            if self.delivery_delay:
                timer = threading.Timer(self.delivery_delay, self.deliver, [event])
                timer.daemon = True
                self.timers.append(timer)
                timer.start()
            else:
                self.deliver(event)

    # The server ---------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_DELETE(self) -> None:
                fake._handle(self, "DELETE")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = parse_form(
            parse_qsl(parts.query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True)
        )
        with self.lock:
            self.requests.append((method, parts.path))
        try:
            if parts.path.startswith("/v1/"):
                if not (handler.headers.get("Authorization") or "").startswith("Bearer sk_"):
                    raise StripeError(401, "Invalid API key provided.", "api_key_invalid")
                key = handler.headers.get("Idempotency-Key")
                with self.changing():
                    if key and key in self.idempotent:
                        status, answer = self.idempotent[key]
                    else:
                        status, answer = 200, self.api(method, parts.path, params)
                        if key:
                            self.idempotent[key] = (status, answer)
                self._reply(handler, status, json.dumps(answer).encode(), "application/json")
            else:
                self._page(handler, method, parts.path, params)
        except StripeError as error:
            self._reply(handler, error.status, json.dumps(error.body).encode(), "application/json")

    def _reply(
        self, handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    # The API ------------------------------------------------------------------------------

    def api(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        segments = path.strip("/").split("/")[1:]
        route = (
            method,
            *[segment if index % 2 == 0 else "{id}" for index, segment in enumerate(segments)],
        )
        if segments[:1] == ["checkout"] or segments[:1] == ["billing_portal"]:
            route = (
                method,
                f"{segments[0]}/{segments[1]}",
                *(["{id}"] if len(segments) > 2 else []),
                *segments[3:],
            )
            ident = segments[2] if len(segments) > 2 else ""
        else:
            ident = segments[1] if len(segments) > 1 else ""
        handlers: dict[tuple[str, ...], Callable[[], dict[str, Any]]] = {
            ("POST", "customers"): lambda: self.create_customer(params),
            ("GET", "customers", "{id}"): lambda: self.get(ident),
            ("POST", "products"): lambda: self.create(
                "prod", "product", {"active": True, **params}
            ),
            ("POST", "products", "{id}"): lambda: self.update(ident, params),
            ("POST", "prices"): lambda: self.create_price(params),
            ("GET", "prices", "{id}"): lambda: self.get(ident),
            ("POST", "prices", "{id}"): lambda: self.update(ident, params),
            ("POST", "checkout/sessions"): lambda: self.create_checkout(params),
            ("GET", "checkout/sessions", "{id}"): lambda: self.get(ident),
            ("POST", "checkout/sessions", "{id}", "expire"): lambda: self.expire_checkout(ident),
            ("POST", "billing_portal/sessions"): lambda: self.create_portal(params),
            ("GET", "subscriptions"): lambda: self.list_subscriptions(params),
            ("GET", "subscriptions", "{id}"): lambda: self.get(ident),
            ("DELETE", "subscriptions", "{id}"): lambda: self.cancel_now(ident),
        }
        found = handlers.get(route)
        if found is None:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        return found()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{secrets.token_hex(8)}"

    def create(self, prefix: str, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        obj = {"id": self.new_id(prefix), "object": kind, "created": self.now(), "livemode": False,
               "metadata": {}, **fields}  # fmt: skip
        self.objects[obj["id"]] = obj
        return copy.deepcopy(obj)

    def get(self, ident: str) -> dict[str, Any]:
        if ident not in self.objects:
            raise StripeError(404, f"No such object: '{ident}'")
        return copy.deepcopy(self.objects[ident])

    def update(self, ident: str, params: dict[str, Any]) -> dict[str, Any]:
        obj = self.objects.get(ident)
        if obj is None:
            raise StripeError(404, f"No such object: '{ident}'")
        for key, value in params.items():
            obj[key] = _bool(value) if key == "active" else value
        return copy.deepcopy(obj)

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = self.create(
            "cus",
            "customer",
            {
                "email": params.get("email"),
                "name": params.get("name"),
                "metadata": params.get("metadata", {}),
            },
        )
        self.emit("customer.created", customer)
        return customer

    def create_price(self, params: dict[str, Any]) -> dict[str, Any]:
        recurring = params.get("recurring") or {}
        return self.create("price", "price", {
            "product": params.get("product"), "currency": params.get("currency"),
            "unit_amount": int(params.get("unit_amount", 0)), "active": True,
            "nickname": params.get("nickname"), "metadata": params.get("metadata", {}),
            "recurring": {"interval": recurring.get("interval", "month"), "interval_count": 1},
            "type": "recurring",
        })  # fmt: skip

    def create_checkout(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") != "subscription":
            raise StripeError(400, "Only subscription mode is faked.", "parameter_invalid")
        price_id = params["line_items"][0]["price"]
        if price_id not in self.objects or not self.objects[price_id].get("active"):
            raise StripeError(400, f"No such price: '{price_id}'")
        session = self.create("cs", "checkout.session", {
            "mode": "subscription", "status": "open", "payment_status": "unpaid",
            "customer": params.get("customer"), "customer_email": params.get("customer_email"),
            "customer_details": None, "client_reference_id": params.get("client_reference_id"),
            "subscription": None, "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"), "metadata": params.get("metadata", {}),
            "allow_promotion_codes": _bool(params.get("allow_promotion_codes")),
            "subscription_data": params.get("subscription_data", {}), "price": price_id,
        })  # fmt: skip
        session["url"] = self.objects[session["id"]]["url"] = f"{self.url}/checkout/{session['id']}"
        return session

    def expire_checkout(self, ident: str) -> dict[str, Any]:
        session = self.objects.get(ident)
        if session is None or session["status"] != "open":
            raise StripeError(400, "Only open sessions can be expired.", "checkout_not_open")
        session["status"] = "expired"
        self.emit("checkout.session.expired", session)
        return copy.deepcopy(session)

    def create_portal(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = params.get("customer")
        if customer not in self.objects:
            raise StripeError(400, f"No such customer: '{customer}'")
        session = self.create(
            "bps",
            "billing_portal.session",
            {"customer": customer, "return_url": params.get("return_url")},
        )
        session["url"] = self.objects[session["id"]]["url"] = f"{self.url}/portal/{session['id']}"
        return session

    def list_subscriptions(self, params: dict[str, Any]) -> dict[str, Any]:
        found = [obj for obj in self.objects.values() if obj["object"] == "subscription"]
        if params.get("customer"):
            found = [obj for obj in found if obj["customer"] == params["customer"]]
        if params.get("status", "all") != "all":
            found = [obj for obj in found if obj["status"] == params["status"]]
        else:  # Stripe leaves out canceled subscriptions unless asked for all
            found = found
        found.sort(key=lambda obj: obj["id"])
        if params.get("starting_after"):
            found = [obj for obj in found if obj["id"] > params["starting_after"]]
        limit = int(params.get("limit", 10))
        page = found[:limit]
        return {"object": "list", "url": "/v1/subscriptions", "has_more": len(found) > limit,
                "data": copy.deepcopy(page)}  # fmt: skip

    # Subscriptions and their life ------------------------------------------------------

    def create_subscription(
        self, customer: str, price_id: str, *, trial_days: int = 0, metadata: dict[str, Any] | None = None,  # noqa: E501
        status: str | None = None, started: int | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """A subscription as Stripe makes one (also for tests that set up readers who paid
        elsewhere: `status` and `started` then say what they look like)."""
        with self.changing():
            return self._create_subscription(
                customer, price_id, trial_days, metadata, status, started
            )

    def _create_subscription(
        self, customer: str, price_id: str, trial_days: int, metadata: dict[str, Any] | None,
        status: str | None, started: int | None,
    ) -> dict[str, Any]:  # fmt: skip
        price = self.objects[price_id]
        start = started if started is not None else self.now()
        trial_end = start + trial_days * DAY if trial_days else None
        period = INTERVAL_SECONDS[price["recurring"]["interval"]]
        period_start, period_end = start, trial_end or start + period
        while period_end < self.now() and not trial_end:  # one that started long ago renewed since
            period_start, period_end = period_end, period_end + period
        subscription = self.create("sub", "subscription", {
            "customer": customer, "status": status or ("trialing" if trial_days else "active"),
            "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None,
            "ended_at": None, "start_date": start, "trial_start": start if trial_days else None,
            "trial_end": trial_end, "metadata": metadata or {}, "currency": price["currency"],
            "items": {"object": "list", "data": [{
                "id": self.new_id("si"), "object": "subscription_item",
                "price": copy.deepcopy(price), "quantity": 1,
                "current_period_start": period_start, "current_period_end": period_end,
            }]},
        })  # fmt: skip
        self.emit("customer.subscription.created", subscription)
        self.invoice(subscription, paid=True, amount=0 if trial_days else price["unit_amount"])
        return subscription

    def item(self, subscription_id: str) -> dict[str, Any]:
        return self.objects[subscription_id]["items"]["data"][0]

    def invoice(self, subscription: dict[str, Any], *, paid: bool, amount: int) -> dict[str, Any]:
        invoice = self.create("in", "invoice", {
            "customer": subscription["customer"], "amount_due": amount,
            "amount_paid": amount if paid else 0, "currency": subscription["currency"],
            "status": "paid" if paid else "open", "attempt_count": 1,
            "parent": {"type": "subscription_details",
                       "subscription_details": {"subscription": subscription["id"]}},
        })  # fmt: skip
        self.emit("invoice.paid" if paid else "invoice.payment_failed", invoice)
        return invoice

    def _next_period(self, subscription_id: str) -> dict[str, Any]:
        item = self.item(subscription_id)
        seconds = INTERVAL_SECONDS[item["price"]["recurring"]["interval"]]
        item["current_period_start"] = item["current_period_end"]
        item["current_period_end"] = item["current_period_start"] + seconds
        return self.objects[subscription_id]

    def renew(self, subscription_id: str) -> None:
        """The period ends and the card is charged (a trial converts)."""
        with self.changing():
            subscription = self._next_period(subscription_id)
            subscription["status"] = "active"
            self.invoice(
                subscription, paid=True, amount=self.item(subscription_id)["price"]["unit_amount"]
            )
            self.emit("customer.subscription.updated", subscription)

    def fail_payment(self, subscription_id: str) -> None:
        """The period ends and the card is declined: past_due while Stripe retries."""
        with self.changing():
            subscription = self._next_period(subscription_id)
            subscription["status"] = "past_due"
            self.invoice(
                subscription, paid=False, amount=self.item(subscription_id)["price"]["unit_amount"]
            )
            self.emit("customer.subscription.updated", subscription)

    def recover_payment(self, subscription_id: str) -> None:
        with self.changing():
            subscription = self.objects[subscription_id]
            subscription["status"] = "active"
            self.invoice(
                subscription, paid=True, amount=self.item(subscription_id)["price"]["unit_amount"]
            )
            self.emit("customer.subscription.updated", subscription)

    def cancel_at_period_end(self, subscription_id: str) -> None:
        with self.changing():
            subscription = self.objects[subscription_id]
            subscription["cancel_at_period_end"] = True
            subscription["canceled_at"] = self.now()
            self.emit("customer.subscription.updated", subscription)

    def switch_price(self, subscription_id: str, price_id: str) -> None:
        """The reader changes plan in the portal (monthly to yearly): the item's price changes
        at once (Stripe prorates; the fake only moves the period to the new interval)."""
        with self.changing():
            subscription = self.objects[subscription_id]
            item = self.item(subscription_id)
            price = self.objects[price_id]
            item["price"] = copy.deepcopy(price)
            item["current_period_start"] = self.now()
            item["current_period_end"] = (
                self.now() + INTERVAL_SECONDS[price["recurring"]["interval"]]
            )
            self.emit("customer.subscription.updated", subscription)

    def end_period(self, subscription_id: str) -> None:
        """The period ends: a subscription set to cancel ends, any other renews."""
        with self.changing():
            subscription = self.objects[subscription_id]
            if not subscription["cancel_at_period_end"]:
                self.renew(subscription_id)
                return
            subscription["status"] = "canceled"
            subscription["ended_at"] = self.item(subscription_id)["current_period_end"]
            self.emit("customer.subscription.deleted", subscription)

    def cancel_now(self, subscription_id: str) -> dict[str, Any]:
        with self.changing():
            subscription = self.objects.get(subscription_id)
            if subscription is None or subscription["status"] == "canceled":
                raise StripeError(400, "This subscription is already canceled.", "resource_missing")
            subscription.update(status="canceled", canceled_at=self.now(), ended_at=self.now())
            self.emit("customer.subscription.deleted", subscription)
            return copy.deepcopy(subscription)

    def pay(self, session_id: str, email: str = "", name: str = "") -> str:
        """What Stripe does when the reader pays on the checkout page; returns the URL the
        reader is sent back to."""
        with self.changing():
            session = self.objects[session_id]
            if session["status"] != "open":
                raise StripeError(400, "This checkout is no longer open.", "checkout_not_open")
            customer = session["customer"]
            email = email or session["customer_email"] or ""
            if customer is None:
                customer = self.create_customer({"email": email, "name": name})["id"]
            else:
                email = self.objects[customer]["email"] or email
            data = session.get("subscription_data") or {}
            subscription = self.create_subscription(
                customer, session["price"], trial_days=int(data.get("trial_period_days") or 0),
                metadata=data.get("metadata") or {},
            )  # fmt: skip
            session.update(status="complete", payment_status="paid", customer=customer,
                           subscription=subscription["id"],
                           customer_details={"email": email, "name": name or None})  # fmt: skip
            self.emit("checkout.session.completed", session)
            return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    # Events and their delivery --------------------------------------------------------------

    def emit(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {"id": self.new_id("evt"), "object": "event", "type": kind, "api_version": "2026-10-28.endive",  # noqa: E501
                 "created": self.now(), "livemode": False, "pending_webhooks": 1,
                 "data": {"object": copy.deepcopy(obj)}}  # fmt: skip
        with self.lock:
            self.events.append(event)
            if self.auto_deliver and self.webhook_url:
                self.pending.append(event)
        return event

    def deliver(
        self, event: dict[str, Any], *, secret: str | None = None, signature: str | None = None
    ) -> int:
        """Post one event to the webhook, signed; return the HTTP status."""
        payload = json.dumps(event).encode()
        header = (
            signature if signature is not None else sign(payload, secret or self.webhook_secret)
        )
        request = urllib.request.Request(
            self.webhook_url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with self.lock:
            self.delivered.append((event["id"], status))
        return status

    def subscriptions(self) -> list[dict[str, Any]]:
        return [obj for obj in self.objects.values() if obj["object"] == "subscription"]

    # Pages the reader's browser opens -------------------------------------------------------

    def _page(
        self, handler: BaseHTTPRequestHandler, method: str, path: str, params: dict[str, Any]
    ) -> None:
        parts = path.strip("/").split("/")
        if parts[0] == "checkout" and len(parts) >= 2 and parts[1] in self.objects:
            session = self.objects[parts[1]]
            if method == "POST":
                location = self.pay(parts[1], params.get("email", ""), params.get("name", ""))
                self._reply(handler, 303, b"", "text/plain", {"Location": location})
                return
            self._reply(
                handler, 200, self._checkout_html(session).encode(), "text/html; charset=utf-8"
            )
            return
        if parts[0] == "portal" and len(parts) >= 2 and parts[1] in self.objects:
            portal = self.objects[parts[1]]
            if method == "POST":
                for subscription in self.subscriptions():
                    if subscription["customer"] == portal["customer"] and subscription[
                        "status"
                    ] in ("active", "trialing", "past_due"):
                        if params.get("price"):
                            self.switch_price(subscription["id"], params["price"])
                        else:
                            self.cancel_at_period_end(subscription["id"])
                self._reply(handler, 303, b"", "text/plain", {"Location": portal["return_url"]})
                return
            self._reply(
                handler, 200, self._portal_html(portal).encode(), "text/html; charset=utf-8"
            )
            return
        raise StripeError(404, "No such page.")

    def _checkout_html(self, session: dict[str, Any]) -> str:
        price = self.objects[session["price"]]
        email = session["customer_email"] or (
            self.objects[session["customer"]]["email"] if session["customer"] else ""
        )
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head>
<body><h1>Pay {price["unit_amount"]} {price["currency"]} a {price["recurring"]["interval"]}</h1>
<form method="post"><label>Email <input name="email" value="{html.escape(email or "")}"></label>
<label>Name <input name="name"></label><button type="submit">Pay and subscribe</button></form>
<p><a href="{html.escape(session["cancel_url"] or "")}">Back</a></p></body></html>"""  # noqa: E501

    def _portal_html(self, portal: dict[str, Any]) -> str:
        prices = "".join(
            f'<option value="{html.escape(obj["id"])}">{obj["unit_amount"]} {obj["currency"]} a '
            f"{obj['recurring']['interval']}</option>"
            for obj in self.objects.values()
            if obj["object"] == "price" and obj.get("active")
        )
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Billing Portal</title></head>
<body><h1>Your subscription</h1>
<form method="post"><label>Plan <select name="price">{prices}</select></label><button type="submit">Switch plan</button></form>
<form method="post"><button type="submit">Cancel plan</button></form>
<p><a href="{html.escape(portal["return_url"] or "")}">Return to the site</a></p></body></html>"""  # noqa: E501
