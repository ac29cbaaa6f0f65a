import pytest
from shopping_cart import ShoppingCart


def test_empty_cart() -> None:
    cart = ShoppingCart()
    assert (cart.item_count(), cart.subtotal(), cart.total()) == (0, 0, 0)


def test_add_item_accumulates_quantity() -> None:
    cart = ShoppingCart()
    assert cart.add_item("pen", 150) == 1
    assert cart.add_item("pen", 150, 3) == 4
    assert cart.lines == {"pen": (150, 4)}


def test_add_item_price_conflict() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150)
    with pytest.raises(ValueError, match="'pen' is already in the cart at 150"):
        cart.add_item("pen", 160)


def test_add_item_validation() -> None:
    cart = ShoppingCart()
    with pytest.raises(ValueError):
        cart.add_item("pen", -1)
    with pytest.raises(ValueError):
        cart.add_item("pen", 100, 0)
    assert cart.add_item("gift", 0) == 1
    assert cart.lines == {"gift": (0, 1)}


def test_remove_item_partial_and_all() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150, 5)
    assert cart.remove_item("pen", 2) == 3
    assert cart.lines == {"pen": (150, 3)}
    assert cart.remove_item("pen", 3) == 0
    assert cart.lines == {}


def test_remove_item_default_is_one() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150, 2)
    assert cart.remove_item("pen") == 1


def test_remove_item_errors() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150, 2)
    with pytest.raises(ValueError, match="cannot remove 3 of 2"):
        cart.remove_item("pen", 3)
    with pytest.raises(ValueError):
        cart.remove_item("pen", 0)
    with pytest.raises(KeyError):
        cart.remove_item("ink")
    assert cart.lines == {"pen": (150, 2)}


def test_item_count() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150, 2)
    cart.add_item("ink", 900, 3)
    assert cart.item_count() == 5


def test_line_total_bulk_boundary() -> None:
    cart = ShoppingCart()
    cart.add_item("nine", 100, 9)
    cart.add_item("ten", 100, 10)
    cart.add_item("odd", 333, 11)
    assert cart.line_total("nine") == 900
    assert cart.line_total("ten") == 950
    assert cart.line_total("odd") == 3663 - 183


def test_subtotal_sums_lines() -> None:
    cart = ShoppingCart()
    cart.add_item("pen", 150, 2)
    cart.add_item("clip", 10, 10)
    assert cart.subtotal() == 300 + 95


def test_total_adds_shipping_below_threshold() -> None:
    cart = ShoppingCart()
    cart.add_item("book", 4999)
    assert cart.total() == 4999 + 499


def test_total_free_shipping_at_threshold() -> None:
    cart = ShoppingCart()
    cart.add_item("book", 5000)
    assert cart.total() == 5000


def test_apply_coupon_and_total() -> None:
    cart = ShoppingCart()
    cart.add_item("lamp", 3001, 2)
    assert cart.apply_coupon("SAVE10") == 10
    assert cart.total() == 6002 - 600
    assert cart.apply_coupon("HALF") == 50
    assert cart.total() == 3001 + 499


def test_unknown_coupon_rejected_and_keeps_previous() -> None:
    cart = ShoppingCart()
    cart.apply_coupon("SAVE10")
    with pytest.raises(ValueError, match="unknown coupon 'FREE'"):
        cart.apply_coupon("FREE")
    assert cart.coupon_percent == 10


def test_coupon_on_empty_cart_costs_nothing() -> None:
    cart = ShoppingCart()
    cart.apply_coupon("HALF")
    assert cart.total() == 0


def test_free_items_still_pay_shipping() -> None:
    cart = ShoppingCart()
    cart.add_item("gift", 0)
    assert cart.total() == 499
