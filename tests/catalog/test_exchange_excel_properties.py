"""Whatever text an operator types survives an Excel round trip unchanged."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from onewindow.catalog.exchange.excel import data_to_xlsx, xlsx_to_data
from onewindow.catalog.exchange.schema import template_data

# Chinese, Latin, digits and the punctuation that separates values elsewhere (、，;|=).
ALPHABET = st.sampled_from(list("事项申请材料许可证明《》（）〔〕第号abcXYZ0123456789 -_、，,;；=+@%.\n"))
TEXT = st.text(ALPHABET, min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, legal_basis=TEXT, notes=TEXT, material=TEXT, label=TEXT, fee=TEXT)
def test_text_cells_round_trip(name, legal_basis, notes, material, label, fee):
    data = copy.deepcopy(template_data())
    item = data["items"][0]
    item["name"] = name
    version = item["version"]
    version.update(legal_basis=legal_basis, notes=notes, fee=fee)
    version["materials"][0]["name"] = material
    version["form_fields"][0]["label"] = label
    parsed, report = xlsx_to_data(data_to_xlsx(data))
    assert report.ok
    assert parsed == data


def test_a_value_starting_with_equals_is_stored_as_text_not_a_formula(tmp_path):
    data = copy.deepcopy(template_data())
    data["items"][0]["version"]["fee"] = '=HYPERLINK("http://example.invalid")'
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(data_to_xlsx(data))
    cell = next(c for c in load_workbook(path)["事项"][2] if c.value == data["items"][0]["version"]["fee"])
    assert cell.data_type == "s"
