"""An immutable-style binary search tree built from recursive functions; None is the empty tree."""

from dataclasses import dataclass


@dataclass
class Node:
    """One tree node; keys smaller than ``key`` go left, larger ones right."""

    key: int
    left: "Node | None" = None
    right: "Node | None" = None


def insert(node: Node | None, key: int) -> Node:
    """Insert ``key`` and return the root; duplicates are ignored."""
    if node is None:
        return Node(key)
    if key < node.key:
        node.left = insert(node.left, key)
    elif key > node.key:
        node.right = insert(node.right, key)
    return node


def build(keys: list[int]) -> Node | None:
    """Build a tree by inserting ``keys`` in order."""
    root = None
    for key in keys:
        root = insert(root, key)
    return root


def contains(node: Node | None, key: int) -> bool:
    """True when ``key`` is in the tree."""
    if node is None:
        return False
    if key == node.key:
        return True
    return contains(node.left if key < node.key else node.right, key)


def inorder(node: Node | None) -> list[int]:
    """Keys in ascending order."""
    if node is None:
        return []
    return [*inorder(node.left), node.key, *inorder(node.right)]


def height(node: Node | None) -> int:
    """Number of nodes on the longest root-to-leaf path (0 for the empty tree)."""
    if node is None:
        return 0
    return 1 + max(height(node.left), height(node.right))


def range_query(node: Node | None, low: int, high: int) -> list[int]:
    """Ascending keys ``k`` with ``low <= k <= high``, skipping subtrees that cannot match."""
    if node is None:
        return []
    result = []
    if low < node.key:
        result.extend(range_query(node.left, low, high))
    if low <= node.key <= high:
        result.append(node.key)
    if node.key < high:
        result.extend(range_query(node.right, low, high))
    return result


def delete(node: Node | None, key: int) -> Node | None:
    """Remove ``key`` if present and return the new root (a two-child node takes its successor)."""
    if node is None:
        return None
    if key < node.key:
        node.left = delete(node.left, key)
    elif key > node.key:
        node.right = delete(node.right, key)
    elif node.left is None or node.right is None:
        return node.left if node.left is not None else node.right
    else:
        successor = node.right
        while successor.left is not None:
            successor = successor.left
        node.key = successor.key
        node.right = delete(node.right, successor.key)
    return node
