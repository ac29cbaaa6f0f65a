"""A finite state machine over named states and events, with a history of states."""

Transitions = dict[tuple[str, str], str]


class InvalidTransition(Exception):
    """Raised when an event is fired that the current state does not accept."""

    def __init__(self, state: str, event: str) -> None:
        super().__init__(f"event {event!r} not allowed in state {state!r}")
        self.state = state
        self.event = event


class StateMachine:
    """Moves between states on events; final states accept no further events."""

    def __init__(self, initial: str, transitions: Transitions, final: tuple[str, ...] = ()) -> None:
        known = {state for state, _ in transitions} | set(transitions.values())
        if initial not in known:
            raise ValueError(f"unknown initial state {initial!r}")
        self.initial = initial
        self.state = initial
        self.transitions = dict(transitions)
        self.final = set(final)
        self.history = [initial]

    def is_finished(self) -> bool:
        """Return True if the machine is in a final state."""
        return self.state in self.final

    def can_fire(self, event: str) -> bool:
        """Return True if event is accepted in the current state."""
        return not self.is_finished() and (self.state, event) in self.transitions

    def fire(self, event: str) -> str:
        """Take the transition for event and return the new state."""
        if not self.can_fire(event):
            raise InvalidTransition(self.state, event)
        self.state = self.transitions[(self.state, event)]
        self.history.append(self.state)
        return self.state

    def events(self) -> list[str]:
        """Return, sorted, the events accepted in the current state."""
        if self.is_finished():
            return []
        return sorted(event for state, event in self.transitions if state == self.state)

    def run(self, events: list[str]) -> int:
        """Fire events in order, stopping at the first one not accepted; return how many fired."""
        fired = 0
        for event in events:
            if not self.can_fire(event):
                break
            self.fire(event)
            fired += 1
        return fired

    def visits(self, state: str) -> int:
        """Return how many times the machine has been in state, the initial state included."""
        return self.history.count(state)

    def reset(self) -> None:
        """Go back to the initial state and forget the history."""
        self.state = self.initial
        self.history = [self.initial]


def order_workflow() -> StateMachine:
    """Return a machine for an order: new -> paid -> shipped -> delivered, cancellable early."""
    return StateMachine(
        "new",
        {
            ("new", "pay"): "paid",
            ("new", "cancel"): "cancelled",
            ("paid", "ship"): "shipped",
            ("paid", "cancel"): "cancelled",
            ("paid", "refuse"): "new",
            ("shipped", "deliver"): "delivered",
        },
        final=("delivered", "cancelled"),
    )
