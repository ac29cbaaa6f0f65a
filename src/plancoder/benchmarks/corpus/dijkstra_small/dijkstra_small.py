"""Dijkstra shortest paths on small graphs with non-negative integer weights."""

import heapq

Graph = dict[str, dict[str, int]]


def validate(graph: Graph) -> None:
    """Raise ValueError naming the first edge whose weight is negative."""
    for node, edges in graph.items():
        for neighbor, weight in edges.items():
            if weight < 0:
                raise ValueError(f"negative weight {weight} on edge {node}->{neighbor}")


def search(graph: Graph, source: str) -> tuple[dict[str, int], dict[str, str]]:
    """Return (distance, previous node) maps for every node reachable from source."""
    validate(graph)
    dist = {source: 0}
    prev = {}
    heap = [(0, source)]
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > dist[node]:
            continue
        for neighbor, weight in graph.get(node, {}).items():
            candidate = cost + weight
            if neighbor not in dist or candidate < dist[neighbor]:
                dist[neighbor] = candidate
                prev[neighbor] = node
                heapq.heappush(heap, (candidate, neighbor))
    return dist, prev


def shortest_distances(graph: Graph, source: str) -> dict[str, int]:
    """Return the shortest distance from source to every reachable node."""
    return search(graph, source)[0]


def shortest_path(graph: Graph, source: str, target: str) -> tuple[int, list[str]] | None:
    """Return (total weight, node list) of a shortest path, or None if target is unreachable."""
    dist, prev = search(graph, source)
    if target not in dist:
        return None
    path = [target]
    while path[-1] != source:
        path.append(prev[path[-1]])
    return dist[target], path[::-1]


def reachable_within(graph: Graph, source: str, budget: int) -> list[str]:
    """Return, sorted, the nodes whose shortest distance from source is at most budget."""
    return sorted(node for node, cost in shortest_distances(graph, source).items() if cost <= budget)


def eccentricity(graph: Graph, source: str) -> int:
    """Return the largest shortest distance from source to any reachable node."""
    return max(shortest_distances(graph, source).values())
