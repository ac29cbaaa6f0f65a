"""A small stock inventory: quantities and unit prices (in cents) per item."""


class Inventory:
    """Tracks how many of each item are in stock and what one unit costs."""

    def __init__(self) -> None:
        self.stock = {}
        self.prices = {}

    def add(self, item: str, quantity: int, price: int | None = None) -> int:
        """Add quantity units of item (setting its price if given); return the new quantity."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if price is None and item not in self.prices:
            raise ValueError(f"price required for new item {item!r}")
        if price is not None:
            self.prices[item] = price
        self.stock[item] = self.stock.get(item, 0) + quantity
        return self.stock[item]

    def remove(self, item: str, quantity: int) -> int:
        """Take quantity units of item out of stock; return what is left (0 drops the item)."""
        if item not in self.stock:
            raise KeyError(item)
        have = self.stock[item]
        if quantity <= 0 or quantity > have:
            raise ValueError(f"cannot remove {quantity} of {item!r}: {have} in stock")
        left = have - quantity
        if left == 0:
            del self.stock[item]
        else:
            self.stock[item] = left
        return left

    def quantity(self, item: str) -> int:
        """Return how many units of item are in stock (0 if none)."""
        return self.stock.get(item, 0)

    def total_value(self) -> int:
        """Return the value of everything in stock, in cents."""
        return sum(count * self.prices[item] for item, count in self.stock.items())

    def low_stock(self, threshold: int) -> list[str]:
        """Return, sorted, the items whose quantity is strictly below threshold."""
        return sorted(item for item, count in self.stock.items() if count < threshold)

    def restock_plan(self, target: int, budget: int) -> dict[str, int]:
        """Plan purchases topping items up to target, cheapest first, spending at most budget."""
        plan = {}
        for item in sorted(self.stock, key=lambda name: (self.prices[name], name)):
            missing = target - self.stock[item]
            price = self.prices[item]
            affordable = min(missing, budget // price) if price > 0 else missing
            if affordable > 0:
                plan[item] = affordable
                budget -= affordable * price
        return plan
