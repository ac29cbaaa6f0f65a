import pytest
from matrix_ops import add, determinant, identity, minor, multiply, shape, transpose

A = [[1, 2, 3], [4, 5, 6]]


def test_shape() -> None:
    assert shape(A) == (2, 3)
    assert shape([[7]]) == (1, 1)
    assert shape([[1], [2], [3]]) == (3, 1)


def test_shape_errors() -> None:
    with pytest.raises(ValueError):
        shape([])
    with pytest.raises(ValueError):
        shape([[]])
    with pytest.raises(ValueError, match=r"^row 1 has 1 columns, expected 2$"):
        shape([[1, 2], [3]])
    with pytest.raises(ValueError, match=r"^row 1 has 2 columns, expected 1$"):
        shape([[1], [2, 3]])
    with pytest.raises(ValueError, match=r"^row 1 has 0 columns, expected 2$"):
        shape([[1, 2], []])
    with pytest.raises(ValueError, match=r"^row 2 has 3 columns, expected 2$"):
        shape([[1, 2], [3, 4], [5, 6, 7]])


def test_identity() -> None:
    assert identity(1) == [[1]]
    assert identity(3) == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    with pytest.raises(ValueError):
        identity(0)


def test_transpose() -> None:
    assert transpose(A) == [[1, 4], [2, 5], [3, 6]]
    assert transpose([[1, 2]]) == [[1], [2]]
    assert transpose(transpose(A)) == A


def test_add() -> None:
    assert add(A, [[10, 20, 30], [40, 50, 60]]) == [[11, 22, 33], [44, 55, 66]]
    assert add([[1]], [[-1]]) == [[0]]
    assert add([[1], [2], [3]], [[10], [20], [30]]) == [[11], [22], [33]]


def test_add_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"^shapes differ: \(2, 3\) and \(2, 2\)$"):
        add(A, [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="shapes differ"):
        add([[1, 2]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="shapes differ"):
        add([[1, 2], [3, 4]], [[1, 2]])


def test_multiply() -> None:
    b = [[7, 8], [9, 10], [11, 12]]
    assert multiply(A, b) == [[58, 64], [139, 154]]
    assert multiply(b, A) == [[39, 54, 69], [49, 68, 87], [59, 82, 105]]


def test_multiply_identity_and_vectors() -> None:
    assert multiply(A, identity(3)) == A
    assert multiply(identity(2), A) == A
    assert multiply([[1, 2, 3]], [[4], [5], [6]]) == [[32]]
    assert multiply([[4], [5]], [[1, 2]]) == [[4, 8], [5, 10]]


def test_multiply_mismatch() -> None:
    with pytest.raises(ValueError, match="cannot multiply 2x3 by 2x3"):
        multiply(A, A)


def test_minor() -> None:
    m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert minor(m, 0, 0) == [[5, 6], [8, 9]]
    assert minor(m, 1, 1) == [[1, 3], [7, 9]]
    assert minor(m, 2, 2) == [[1, 2], [4, 5]]
    assert minor(m, 0, 2) == [[4, 5], [7, 8]]


def test_determinant_small() -> None:
    assert determinant([[5]]) == 5
    assert determinant([[1, 2], [3, 4]]) == -2
    assert determinant([[0, 1], [1, 0]]) == -1


def test_determinant_3x3_and_4x4() -> None:
    assert determinant([[2, 0, 1], [1, 3, 2], [1, 1, 2]]) == 6
    assert determinant([[6, 1, 1], [4, -2, 5], [2, 8, 7]]) == -306
    assert determinant([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) == 0
    assert determinant(identity(4)) == 1
    assert determinant([[1, 0, 2, -1], [3, 0, 0, 5], [2, 1, 4, -3], [1, 0, 5, 0]]) == 30


def test_determinant_not_square() -> None:
    with pytest.raises(ValueError):
        determinant(A)
