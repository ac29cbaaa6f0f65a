"""A shopping cart priced in cents, with bulk discounts, coupons and shipping."""

COUPONS = {"SAVE10": 10, "HALF": 50}
BULK_QUANTITY = 10
BULK_PERCENT = 5
FREE_SHIPPING_FROM = 5000
SHIPPING = 499


class ShoppingCart:
    """Lines of (unit price, quantity) per product name, plus at most one coupon."""

    def __init__(self) -> None:
        self.lines = {}
        self.coupon_percent = 0

    def add_item(self, name: str, price: int, quantity: int = 1) -> int:
        """Add quantity units of name at price; return the line's new quantity."""
        if price < 0 or quantity < 1:
            raise ValueError("price must be >= 0 and quantity >= 1")
        old_price, old_quantity = self.lines.get(name, (price, 0))
        if old_price != price:
            raise ValueError(f"{name!r} is already in the cart at {old_price}")
        self.lines[name] = (price, old_quantity + quantity)
        return old_quantity + quantity

    def remove_item(self, name: str, quantity: int = 1) -> int:
        """Remove quantity units of name; return what is left (the line goes at 0)."""
        price, have = self.lines[name]
        if quantity < 1 or quantity > have:
            raise ValueError(f"cannot remove {quantity} of {have}")
        if quantity == have:
            del self.lines[name]
            return 0
        self.lines[name] = (price, have - quantity)
        return have - quantity

    def item_count(self) -> int:
        """Return the total number of units in the cart."""
        return sum(quantity for _, quantity in self.lines.values())

    def line_total(self, name: str) -> int:
        """Return a line's price, with the bulk discount when it has BULK_QUANTITY units or more."""
        price, quantity = self.lines[name]
        gross = price * quantity
        if quantity >= BULK_QUANTITY:
            return gross - gross * BULK_PERCENT // 100
        return gross

    def subtotal(self) -> int:
        """Return the sum of all line totals."""
        return sum(self.line_total(name) for name in self.lines)

    def apply_coupon(self, code: str) -> int:
        """Apply a known coupon code (replacing any earlier one); return its percentage."""
        if code not in COUPONS:
            raise ValueError(f"unknown coupon {code!r}")
        self.coupon_percent = COUPONS[code]
        return self.coupon_percent

    def total(self) -> int:
        """Return subtotal minus coupon discount plus shipping (free for large or empty carts)."""
        subtotal = self.subtotal()
        discounted = subtotal - subtotal * self.coupon_percent // 100
        if not self.lines or discounted >= FREE_SHIPPING_FROM:
            return discounted
        return discounted + SHIPPING
