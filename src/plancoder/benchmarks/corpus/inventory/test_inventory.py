import pytest
from inventory import Inventory


def make() -> Inventory:
    inv = Inventory()
    inv.add("apple", 10, 30)
    inv.add("pear", 3, 50)
    inv.add("fig", 1, 120)
    return inv


def test_add_new_and_existing() -> None:
    inv = Inventory()
    assert inv.add("apple", 4, 30) == 4
    assert inv.add("apple", 2) == 6
    assert inv.stock == {"apple": 6}
    assert inv.prices == {"apple": 30}


def test_add_updates_price_when_given() -> None:
    inv = make()
    inv.add("pear", 1, 55)
    assert inv.prices["pear"] == 55
    assert inv.quantity("pear") == 4


def test_add_new_item_needs_price() -> None:
    with pytest.raises(ValueError, match="price required for new item 'kiwi'"):
        Inventory().add("kiwi", 1)


def test_add_free_item_is_allowed() -> None:
    inv = Inventory()
    assert inv.add("sticker", 1, 0) == 1
    assert inv.prices == {"sticker": 0}


def test_add_rejects_non_positive_quantity() -> None:
    inv = make()
    with pytest.raises(ValueError):
        inv.add("apple", 0)
    with pytest.raises(ValueError):
        inv.add("apple", -1)
    assert inv.quantity("apple") == 10


def test_remove_returns_left() -> None:
    inv = make()
    assert inv.remove("apple", 4) == 6
    assert inv.stock["apple"] == 6


def test_remove_everything_drops_item() -> None:
    inv = make()
    assert inv.remove("pear", 3) == 0
    assert "pear" not in inv.stock
    assert inv.quantity("pear") == 0


def test_remove_unknown_item() -> None:
    with pytest.raises(KeyError, match="kiwi"):
        make().remove("kiwi", 1)


def test_remove_too_many_or_non_positive() -> None:
    inv = make()
    with pytest.raises(ValueError, match="cannot remove 4 of 'pear': 3 in stock"):
        inv.remove("pear", 4)
    with pytest.raises(ValueError):
        inv.remove("pear", 0)
    assert inv.remove("pear", 1) == 2


def test_quantity() -> None:
    inv = make()
    assert inv.quantity("apple") == 10
    assert inv.quantity("kiwi") == 0


def test_total_value() -> None:
    assert make().total_value() == 10 * 30 + 3 * 50 + 1 * 120
    assert Inventory().total_value() == 0


def test_low_stock_is_strict() -> None:
    inv = make()
    assert inv.low_stock(3) == ["fig"]
    assert inv.low_stock(4) == ["fig", "pear"]
    assert inv.low_stock(11) == ["apple", "fig", "pear"]
    assert inv.low_stock(1) == []


def test_restock_plan_with_ample_budget() -> None:
    assert make().restock_plan(5, 10_000) == {"pear": 2, "fig": 4}


def test_restock_plan_buys_cheapest_first_within_budget() -> None:
    assert make().restock_plan(12, 300) == {"apple": 2, "pear": 4}
    assert make().restock_plan(12, 299) == {"apple": 2, "pear": 4}
    assert make().restock_plan(12, 259) == {"apple": 2, "pear": 3}


def test_restock_plan_exact_budget_boundary() -> None:
    assert make().restock_plan(2, 120) == {"fig": 1}
    assert make().restock_plan(2, 119) == {}


def test_restock_plan_ties_on_price_go_by_name() -> None:
    inv = Inventory()
    inv.add("b", 1, 10)
    inv.add("a", 1, 10)
    assert inv.restock_plan(3, 30) == {"a": 2, "b": 1}


def test_restock_plan_free_items() -> None:
    inv = Inventory()
    inv.add("sticker", 1, 0)
    assert inv.restock_plan(4, 0) == {"sticker": 3}


def test_restock_plan_one_cent_item_limited_by_budget() -> None:
    inv = Inventory()
    inv.add("pin", 1, 1)
    assert inv.restock_plan(10, 4) == {"pin": 4}
