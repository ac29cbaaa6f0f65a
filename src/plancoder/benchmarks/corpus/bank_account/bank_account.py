"""A bank account holding whole cents, with an overdraft limit and a history."""


class InsufficientFunds(Exception):
    """Raised when a withdrawal would go past the overdraft limit."""

    def __init__(self, balance: int, amount: int) -> None:
        super().__init__(f"cannot withdraw {amount} with balance {balance}")
        self.balance = balance
        self.amount = amount


class BankAccount:
    """An account whose balance may go down to -overdraft_limit cents."""

    def __init__(self, owner: str, balance: int = 0, overdraft_limit: int = 0) -> None:
        if overdraft_limit < 0:
            raise ValueError("overdraft_limit must be non-negative")
        if balance < -overdraft_limit:
            raise ValueError("opening balance is below the overdraft limit")
        self.owner = owner
        self.balance = balance
        self.overdraft_limit = overdraft_limit
        self.history = []

    def deposit(self, amount: int) -> int:
        """Add a positive amount and return the new balance."""
        _check_positive(amount)
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance

    def can_withdraw(self, amount: int) -> bool:
        """Return True if withdrawing amount keeps the balance within the overdraft limit."""
        return amount > 0 and self.balance - amount >= -self.overdraft_limit

    def withdraw(self, amount: int) -> int:
        """Take a positive amount out and return the new balance."""
        _check_positive(amount)
        if not self.can_withdraw(amount):
            raise InsufficientFunds(self.balance, amount)
        self.balance -= amount
        self.history.append(("withdraw", amount))
        return self.balance

    def transfer(self, other: "BankAccount", amount: int) -> None:
        """Move amount from this account to other; nothing changes if the withdrawal fails."""
        self.withdraw(amount)
        other.deposit(amount)

    def apply_interest(self, rate_percent: int) -> int:
        """Credit whole-cent interest on a positive balance and return the interest paid."""
        if rate_percent < 0:
            raise ValueError("rate_percent must be non-negative")
        if self.balance <= 0:
            return 0
        interest = self.balance * rate_percent // 100
        if interest > 0:
            self.deposit(interest)
        return interest

    def statement(self) -> list[str]:
        """Return one line per transaction with a running balance, oldest first."""
        running = self.balance - sum(_signed(kind, amount) for kind, amount in self.history)
        lines = []
        for kind, amount in self.history:
            running += _signed(kind, amount)
            lines.append(f"{kind} {amount} -> {running}")
        return lines


def _check_positive(amount: int) -> None:
    if amount <= 0:
        raise ValueError(f"amount must be positive, got {amount}")


def _signed(kind: str, amount: int) -> int:
    return amount if kind == "deposit" else -amount
