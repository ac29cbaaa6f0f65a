"""A stack, a queue built from two stacks, and classic stack algorithms."""

PAIRS = {")": "(", "]": "[", "}": "{"}


class Stack:
    """Last in, first out."""

    def __init__(self) -> None:
        self.items = []

    def push(self, item: object) -> None:
        """Put item on top."""
        self.items.append(item)

    def pop(self) -> object:
        """Remove and return the top item; IndexError if empty."""
        if not self.items:
            raise IndexError("pop from empty stack")
        return self.items.pop()

    def peek(self) -> object:
        """Return the top item without removing it; IndexError if empty."""
        if not self.items:
            raise IndexError("peek at empty stack")
        return self.items[-1]

    def __len__(self) -> int:
        return len(self.items)


class Queue:
    """First in, first out, with amortized O(1) operations on two stacks."""

    def __init__(self) -> None:
        self.inbox = Stack()
        self.outbox = Stack()

    def enqueue(self, item: object) -> None:
        """Add item at the back."""
        self.inbox.push(item)

    def dequeue(self) -> object:
        """Remove and return the front item; IndexError if empty."""
        if len(self.outbox) == 0:
            while len(self.inbox) > 0:
                self.outbox.push(self.inbox.pop())
        if len(self.outbox) == 0:
            raise IndexError("dequeue from empty queue")
        return self.outbox.pop()

    def __len__(self) -> int:
        return len(self.inbox) + len(self.outbox)


def balanced(text: str) -> bool:
    """Return True if every bracket in text is closed in the right order."""
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS and (not stack or stack.pop() != PAIRS[ch]):
            return False
    return len(stack) == 0


def eval_rpn(tokens: list[str]) -> int:
    """Evaluate integer reverse Polish notation with + - * and floor division //."""
    stack = []
    for token in tokens:
        if token in ("+", "-", "*", "//"):
            if len(stack) < 2:
                raise ValueError(f"not enough operands for {token}")
            right, left = stack.pop(), stack.pop()
            stack.append(_apply(token, left, right))
        else:
            stack.append(int(token))
    if len(stack) != 1:
        raise ValueError("expression must leave exactly one value")
    return stack[0]


def _apply(op: str, left: int, right: int) -> int:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left // right


def next_greater(nums: list[int]) -> list[int]:
    """Return, for each number, the next larger number to its right, or -1 if there is none."""
    result = [-1] * len(nums)
    waiting = []
    for i, value in enumerate(nums):
        while waiting and nums[waiting[-1]] < value:
            result[waiting.pop()] = value
        waiting.append(i)
    return result
