"""Tokenizer and recursive-descent evaluator for + - * / with parentheses and unary minus."""

OPERATORS = "+-*/()"


def _number_end(text: str, start: int) -> int:
    """Index just past the number that starts at ``start`` (digits with at most one dot)."""
    end = start
    dots = 0
    while end < len(text) and (text[end].isdigit() or text[end] == "."):
        if text[end] == ".":
            dots += 1
        end += 1
    if dots > 1 or text[start:end] == ".":
        raise ValueError(f"malformed number {text[start:end]!r} at {start}")
    return end


def tokenize(text: str) -> list[str]:
    """Split ``text`` into number and operator tokens, skipping whitespace."""
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in OPERATORS:
            tokens.append(ch)
            i += 1
        elif ch.isdigit() or ch == ".":
            end = _number_end(text, i)
            tokens.append(text[i:end])
            i = end
        else:
            raise ValueError(f"unexpected character {ch!r} at {i}")
    return tokens


def parse_number(token: str) -> int | float:
    """Convert a number token to int, or to float when it has a decimal point."""
    return float(token) if "." in token else int(token)


class Parser:
    """Evaluates a token list: expression := term (('+'|'-') term)*, term := factor (('*'|'/') factor)*."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        """The current token, or None at the end."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        """Consume and return the current token."""
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end of expression")
        self.pos += 1
        return token

    def expression(self) -> int | float:
        """Parse a sum or difference of terms, left-associative."""
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self) -> int | float:
        """Parse a product or quotient of factors, left-associative."""
        value = self.factor()
        while self.peek() in ("*", "/"):
            value = value * self.factor() if self.take() == "*" else value / self.factor()
        return value

    def factor(self) -> int | float:
        """Parse a number, a unary minus or a parenthesised expression."""
        token = self.take()
        if token == "-":
            return -self.factor()
        if token == "(":
            value = self.expression()
            if self.take() != ")":
                raise ValueError("expected ')'")
            return value
        if token in OPERATORS:
            raise ValueError(f"unexpected {token!r} at token {self.pos - 1}")
        return parse_number(token)


def evaluate(text: str) -> int | float:
    """Evaluate an arithmetic expression; '/' is true division and division by zero raises."""
    parser = Parser(tokenize(text))
    value = parser.expression()
    if parser.pos != len(parser.tokens):
        raise ValueError(f"unexpected {parser.tokens[parser.pos]!r} at token {parser.pos}")
    return value
