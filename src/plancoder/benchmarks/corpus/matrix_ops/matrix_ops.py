"""Operations on matrices stored as lists of rows."""

Matrix = list[list[int]]


def shape(matrix: Matrix) -> tuple[int, int]:
    """Return (rows, columns); raises ValueError for ragged or empty matrices."""
    if not matrix or not matrix[0]:
        raise ValueError("matrix must have at least one row and one column")
    width = len(matrix[0])
    for index, row in enumerate(matrix):
        if len(row) != width:
            raise ValueError(f"row {index} has {len(row)} columns, expected {width}")
    return len(matrix), width


def identity(size: int) -> Matrix:
    """The ``size`` x ``size`` identity matrix."""
    if size < 1:
        raise ValueError("size must be at least 1")
    return [[1 if r == c else 0 for c in range(size)] for r in range(size)]


def transpose(matrix: Matrix) -> Matrix:
    """Swap rows and columns."""
    rows, cols = shape(matrix)
    return [[matrix[r][c] for r in range(rows)] for c in range(cols)]


def add(left: Matrix, right: Matrix) -> Matrix:
    """Element-wise sum of two matrices of the same shape."""
    rows, cols = shape(left)
    if shape(right) != (rows, cols):
        raise ValueError(f"shapes differ: {(rows, cols)} and {shape(right)}")
    return [[left[r][c] + right[r][c] for c in range(cols)] for r in range(rows)]


def multiply(left: Matrix, right: Matrix) -> Matrix:
    """Matrix product ``left @ right``; the inner dimensions must agree."""
    rows, inner = shape(left)
    inner_right, cols = shape(right)
    if inner != inner_right:
        raise ValueError(f"cannot multiply {rows}x{inner} by {inner_right}x{cols}")
    result = [[0] * cols for _ in range(rows)]
    for r in range(rows):
        for c in range(cols):
            for k in range(inner):
                result[r][c] += left[r][k] * right[k][c]
    return result


def minor(matrix: Matrix, row: int, col: int) -> Matrix:
    """The matrix without row ``row`` and column ``col``."""
    return [values[:col] + values[col + 1 :] for r, values in enumerate(matrix) if r != row]


def determinant(matrix: Matrix) -> int:
    """Determinant of a square matrix by Laplace expansion along the first row."""
    rows, cols = shape(matrix)
    if rows != cols:
        raise ValueError("matrix must be square")
    if rows == 1:
        return matrix[0][0]
    total = 0
    for c in range(cols):
        sign = -1 if c % 2 == 1 else 1
        total += sign * matrix[0][c] * determinant(minor(matrix, 0, c))
    return total
