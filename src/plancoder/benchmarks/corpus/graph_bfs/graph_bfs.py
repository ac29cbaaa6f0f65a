"""Breadth-first search over graphs given as adjacency lists."""

from collections import deque

Graph = dict[str, list[str]]


def bfs_order(graph: Graph, start: str) -> list[str]:
    """Return the nodes reachable from start, in breadth-first order."""
    if start not in graph:
        raise KeyError(start)
    seen = {start}
    order = []
    queue = deque([start])
    while queue:
        node = queue.popleft()
        order.append(node)
        for neighbor in graph.get(node, []):
            if neighbor not in seen:
                seen.add(neighbor)
                queue.append(neighbor)
    return order


def distances(graph: Graph, start: str) -> dict[str, int]:
    """Return the number of edges on a shortest path from start to each reachable node."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for neighbor in graph.get(node, []):
            if neighbor not in dist:
                dist[neighbor] = dist[node] + 1
                queue.append(neighbor)
    return dist


def shortest_path(graph: Graph, start: str, goal: str) -> list[str] | None:
    """Return a shortest path from start to goal as a list of nodes, or None if there is none."""
    if start == goal:
        return [start]
    parent = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for neighbor in graph.get(node, []):
            if neighbor in parent:
                continue
            parent[neighbor] = node
            if neighbor == goal:
                return _walk_back(parent, goal)
            queue.append(neighbor)
    return None


def _walk_back(parent: dict[str, str], node: str) -> list[str]:
    path = [node]
    while parent[node] != node:
        node = parent[node]
        path.append(node)
    return path[::-1]


def nodes_within(graph: Graph, start: str, max_hops: int) -> set[str]:
    """Return the nodes at most max_hops edges away from start (start included)."""
    if max_hops < 0:
        raise ValueError("max_hops must be non-negative")
    return {node for node, hops in distances(graph, start).items() if hops <= max_hops}


def is_connected(graph: Graph) -> bool:
    """Return True if every node is reachable from the first node; an empty graph is connected."""
    if not graph:
        return True
    first = next(iter(graph))
    return len(bfs_order(graph, first)) == len(graph)
