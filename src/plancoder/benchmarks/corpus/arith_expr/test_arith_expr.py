import pytest
from arith_expr import Parser, evaluate, parse_number, tokenize


def test_tokenize_basic() -> None:
    assert tokenize("1+2") == ["1", "+", "2"]
    assert tokenize(" 12 * (3 - 4) / 5 ") == ["12", "*", "(", "3", "-", "4", ")", "/", "5"]


def test_tokenize_numbers() -> None:
    assert tokenize("3.25") == ["3.25"]
    assert tokenize(".5+5.") == [".5", "+", "5."]
    assert tokenize("007") == ["007"]


def test_tokenize_empty() -> None:
    assert tokenize("") == []
    assert tokenize("   ") == []


def test_tokenize_errors() -> None:
    with pytest.raises(ValueError, match="at 2"):
        tokenize("1 x 2")
    with pytest.raises(ValueError, match="malformed"):
        tokenize("1.2.3")
    with pytest.raises(ValueError, match="malformed"):
        tokenize("1 + .")


def test_parse_number() -> None:
    assert parse_number("42") == 42
    assert isinstance(parse_number("42"), int)
    assert parse_number("2.5") == 2.5
    assert isinstance(parse_number("2."), float)


def test_evaluate_single_number() -> None:
    assert evaluate("7") == 7
    assert evaluate("(7)") == 7
    assert evaluate("((1.5))") == 1.5


def test_evaluate_addition_subtraction_left_assoc() -> None:
    assert evaluate("1+2") == 3
    assert evaluate("10-4-3") == 3
    assert evaluate("10-(4-3)") == 9
    assert evaluate("1-2+3") == 2


def test_evaluate_precedence() -> None:
    assert evaluate("2+3*4") == 14
    assert evaluate("2*3+4") == 10
    assert evaluate("(2+3)*4") == 20
    assert evaluate("20-6/3") == 18.0
    assert evaluate("2*(3+4)*5") == 70


def test_evaluate_division() -> None:
    assert evaluate("7/2") == 3.5
    assert evaluate("100/10/5") == 2.0
    assert evaluate("8/(4/2)") == 4.0
    assert evaluate("2*3/4") == 1.5


def test_evaluate_multiplication_chain() -> None:
    assert evaluate("2*3*4") == 24
    assert evaluate("3*0") == 0


def test_evaluate_unary_minus() -> None:
    assert evaluate("-3+5") == 2
    assert evaluate("--3") == 3
    assert evaluate("2*-3") == -6
    assert evaluate("-(2+3)") == -5
    assert evaluate("4--2") == 6


def test_evaluate_division_by_zero() -> None:
    with pytest.raises(ZeroDivisionError):
        evaluate("1/0")
    with pytest.raises(ZeroDivisionError):
        evaluate("1/(2-2)")


def test_evaluate_syntax_errors() -> None:
    for text in ("", "2+", "(2", "*3", "2 3", "()", "+2"):
        with pytest.raises(ValueError):
            evaluate(text)


def test_evaluate_trailing_tokens_reported() -> None:
    with pytest.raises(ValueError, match=r"^unexpected '\)' at token 1$"):
        evaluate("2)")
    with pytest.raises(ValueError, match=r"^unexpected '4' at token 3$"):
        evaluate("(3)4")


def test_evaluate_unclosed_paren_message() -> None:
    with pytest.raises(ValueError, match=r"^expected '\)'$"):
        evaluate("(1+2(")
    with pytest.raises(ValueError, match=r"^unexpected end"):
        evaluate("(1+2")


def test_parser_peek_and_take() -> None:
    parser = Parser(["1", "+"])
    assert parser.peek() == "1"
    assert parser.take() == "1"
    assert parser.peek() == "+"
    assert parser.take() == "+"
    assert parser.peek() is None
    with pytest.raises(ValueError):
        parser.take()


def test_factor_error_position() -> None:
    with pytest.raises(ValueError, match=r"^unexpected '\*' at token 2$"):
        evaluate("1+*2")
