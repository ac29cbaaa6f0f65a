import pytest
from bank_account import BankAccount, InsufficientFunds


def test_new_account_defaults() -> None:
    account = BankAccount("ann")
    assert (account.owner, account.balance, account.overdraft_limit, account.history) == ("ann", 0, 0, [])


def test_opening_balance_validation() -> None:
    assert BankAccount("ann", -50, 50).balance == -50
    with pytest.raises(ValueError, match="below the overdraft"):
        BankAccount("ann", -51, 50)
    with pytest.raises(ValueError, match="non-negative"):
        BankAccount("ann", 0, -1)


def test_deposit_returns_new_balance_and_records() -> None:
    account = BankAccount("ann", 100)
    assert account.deposit(25) == 125
    assert account.deposit(1) == 126
    assert account.history == [("deposit", 25), ("deposit", 1)]


def test_deposit_rejects_non_positive() -> None:
    account = BankAccount("ann")
    with pytest.raises(ValueError, match="got 0"):
        account.deposit(0)
    with pytest.raises(ValueError, match="got -5"):
        account.deposit(-5)
    assert account.history == []


def test_withdraw_reduces_balance() -> None:
    account = BankAccount("ann", 100)
    assert account.withdraw(30) == 70
    assert account.history == [("withdraw", 30)]


def test_withdraw_exact_balance_allowed() -> None:
    account = BankAccount("ann", 100)
    assert account.withdraw(100) == 0


def test_withdraw_over_balance_raises_with_data() -> None:
    account = BankAccount("ann", 100)
    with pytest.raises(InsufficientFunds) as info:
        account.withdraw(101)
    assert (info.value.balance, info.value.amount) == (100, 101)
    assert str(info.value) == "cannot withdraw 101 with balance 100"
    assert account.balance == 100
    assert account.history == []


def test_overdraft_limit_boundary() -> None:
    account = BankAccount("ann", 10, overdraft_limit=20)
    assert account.can_withdraw(30) is True
    assert account.can_withdraw(31) is False
    assert account.withdraw(30) == -20
    with pytest.raises(InsufficientFunds):
        account.withdraw(1)


def test_can_withdraw_rejects_non_positive() -> None:
    account = BankAccount("ann", 10)
    assert account.can_withdraw(0) is False
    assert account.can_withdraw(1) is True


def test_withdraw_rejects_non_positive() -> None:
    with pytest.raises(ValueError):
        BankAccount("ann", 10).withdraw(0)


def test_transfer_moves_money() -> None:
    ann, bob = BankAccount("ann", 100), BankAccount("bob", 5)
    ann.transfer(bob, 40)
    assert (ann.balance, bob.balance) == (60, 45)
    assert bob.history == [("deposit", 40)]


def test_failed_transfer_changes_nothing() -> None:
    ann, bob = BankAccount("ann", 10), BankAccount("bob", 5)
    with pytest.raises(InsufficientFunds):
        ann.transfer(bob, 11)
    assert (ann.balance, bob.balance) == (10, 5)
    assert bob.history == []


def test_apply_interest_rounds_down() -> None:
    account = BankAccount("ann", 1050)
    assert account.apply_interest(3) == 31
    assert account.balance == 1081
    assert account.history == [("deposit", 31)]


def test_apply_interest_too_small_to_pay() -> None:
    account = BankAccount("ann", 33)
    assert account.apply_interest(3) == 0
    assert account.history == []


def test_apply_interest_skips_non_positive_balance_or_rate() -> None:
    assert BankAccount("ann", 0).apply_interest(5) == 0
    assert BankAccount("ann", -100, 100).apply_interest(5) == 0
    assert BankAccount("ann", 100).apply_interest(0) == 0
    assert BankAccount("ann", 1).apply_interest(100) == 1


def test_apply_interest_rejects_negative_rate() -> None:
    with pytest.raises(ValueError, match="rate_percent"):
        BankAccount("ann", 100).apply_interest(-1)
    account = BankAccount("ann", 100)
    assert account.apply_interest(1) == 1
    assert account.balance == 101


def test_statement_shows_running_balance() -> None:
    account = BankAccount("ann", 100)
    account.deposit(50)
    account.withdraw(120)
    account.deposit(5)
    assert account.statement() == ["deposit 50 -> 150", "withdraw 120 -> 30", "deposit 5 -> 35"]


def test_statement_empty() -> None:
    assert BankAccount("ann", 100).statement() == []
