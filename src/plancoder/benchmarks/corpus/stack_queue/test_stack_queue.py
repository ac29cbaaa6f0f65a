import pytest
from stack_queue import Queue, Stack, balanced, eval_rpn, next_greater


def test_stack_is_lifo() -> None:
    stack = Stack()
    for item in (1, 2, 3):
        stack.push(item)
    assert len(stack) == 3
    assert stack.peek() == 3
    assert [stack.pop(), stack.pop()] == [3, 2]
    assert len(stack) == 1
    assert stack.peek() == 1


def test_stack_empty_errors() -> None:
    stack = Stack()
    with pytest.raises(IndexError, match="pop from empty stack"):
        stack.pop()
    with pytest.raises(IndexError, match="peek at empty stack"):
        stack.peek()
    assert len(stack) == 0


def test_stack_peek_does_not_remove() -> None:
    stack = Stack()
    stack.push("a")
    stack.peek()
    assert stack.items == ["a"]


def test_queue_is_fifo() -> None:
    queue = Queue()
    for item in (1, 2, 3):
        queue.enqueue(item)
    assert len(queue) == 3
    assert [queue.dequeue(), queue.dequeue()] == [1, 2]
    assert len(queue) == 1


def test_queue_interleaved_operations() -> None:
    queue = Queue()
    queue.enqueue(1)
    queue.enqueue(2)
    assert queue.dequeue() == 1
    queue.enqueue(3)
    assert queue.dequeue() == 2
    assert queue.dequeue() == 3
    assert len(queue) == 0


def test_queue_empty_error() -> None:
    queue = Queue()
    with pytest.raises(IndexError, match="dequeue from empty queue"):
        queue.dequeue()
    queue.enqueue("x")
    assert queue.dequeue() == "x"
    with pytest.raises(IndexError):
        queue.dequeue()


def test_balanced_true() -> None:
    assert balanced("") is True
    assert balanced("([]{})") is True
    assert balanced("a(b[c]d)e") is True


def test_balanced_false() -> None:
    assert balanced("(") is False
    assert balanced(")") is False
    assert balanced("(]") is False
    assert balanced("([)]") is False
    assert balanced("{}}") is False


def test_eval_rpn() -> None:
    assert eval_rpn(["2", "1", "+", "3", "*"]) == 9
    assert eval_rpn(["4", "13", "5", "//", "+"]) == 6
    assert eval_rpn(["10", "3", "-"]) == 7
    assert eval_rpn(["7", "2", "//"]) == 3


def test_eval_rpn_operand_order_and_floor() -> None:
    assert eval_rpn(["3", "10", "-"]) == -7
    assert eval_rpn(["-7", "2", "//"]) == -4
    assert eval_rpn(["2", "3", "*"]) == 6


def test_eval_rpn_single_number() -> None:
    assert eval_rpn(["42"]) == 42


def test_eval_rpn_errors() -> None:
    with pytest.raises(ValueError, match="not enough operands for \\+"):
        eval_rpn(["1", "+"])
    with pytest.raises(ValueError, match="exactly one value"):
        eval_rpn(["1", "2"])
    with pytest.raises(ValueError, match="exactly one value"):
        eval_rpn([])


def test_eval_rpn_exactly_two_operands_is_enough() -> None:
    assert eval_rpn(["5", "6", "+"]) == 11


def test_next_greater() -> None:
    assert next_greater([2, 1, 2, 4, 3]) == [4, 2, 4, -1, -1]
    assert next_greater([1, 3, 2, 5]) == [3, 5, 5, -1]


def test_next_greater_equal_values_do_not_count() -> None:
    assert next_greater([2, 2, 3]) == [3, 3, -1]
    assert next_greater([5, 5]) == [-1, -1]


def test_next_greater_edges() -> None:
    assert next_greater([]) == []
    assert next_greater([7]) == [-1]
    assert next_greater([3, 2, 1]) == [-1, -1, -1]
