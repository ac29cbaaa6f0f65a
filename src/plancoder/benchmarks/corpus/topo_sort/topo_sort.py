"""Topological ordering of dependency graphs (Kahn's algorithm)."""

Graph = dict[str, list[str]]


class CycleError(ValueError):
    """Raised when a graph has a cycle and so no topological order."""


def in_degrees(graph: Graph) -> dict[str, int]:
    """Return the number of incoming edges of every node, edge targets included."""
    degrees = {node: 0 for node in graph}
    for targets in graph.values():
        for target in targets:
            degrees[target] = degrees.get(target, 0) + 1
    return degrees


def predecessors(graph: Graph) -> dict[str, list[str]]:
    """Return the sorted direct predecessors of every node."""
    preds = {node: [] for node in in_degrees(graph)}
    for source, targets in graph.items():
        for target in targets:
            preds[target].append(source)
    return {node: sorted(sources) for node, sources in preds.items()}


def topo_order(graph: Graph) -> list[str]:
    """Return the nodes so that every edge u -> v has u before v; ties go alphabetically."""
    degrees = in_degrees(graph)
    ready = sorted(node for node, degree in degrees.items() if degree == 0)
    order = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for target in graph.get(node, []):
            degrees[target] -= 1
            if degrees[target] == 0:
                ready.append(target)
        ready.sort()
    if len(order) != len(degrees):
        raise CycleError("graph has a cycle")
    return order


def has_cycle(graph: Graph) -> bool:
    """Return True if the graph has at least one cycle."""
    try:
        topo_order(graph)
    except CycleError:
        return True
    return False


def levels(graph: Graph) -> dict[str, int]:
    """Return each node's level: 0 for a source, else one more than its deepest predecessor."""
    preds = predecessors(graph)
    level = {}
    for node in topo_order(graph):
        level[node] = max((level[p] + 1 for p in preds[node]), default=0)
    return level


def build_stages(graph: Graph) -> list[list[str]]:
    """Group the nodes by level into stages that can run in parallel, each stage sorted."""
    by_level = levels(graph)
    if not by_level:
        return []
    stages = [[] for _ in range(max(by_level.values()) + 1)]
    for node, depth in sorted(by_level.items()):
        stages[depth].append(node)
    return stages
