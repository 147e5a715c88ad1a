"""CSV refusals are one line (issue #14, found by tests/app/test_fuzz_window.py): a cell
opened by an unbalanced quote swallows the following rows, line breaks included."""

import pytest

from engine.data.user import read_points_csv
from engine.errors import NodeplayError


def test_a_cell_with_line_breaks_is_quoted_on_one_line(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text('x1,x2,label\n1,2,0\n3,4,"1\n5,6,0\n7,8,1\n')
    with pytest.raises(NodeplayError) as err:
        read_points_csv(path)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith("points.csv: row 3, column label holds '1\\n5,6,0") and len(message) < 200
