"""The catalog readers under generated input: 2,000 JSON files and 2,000 workbooks through
the real import path, in a subprocess limited to 1 GiB of address space, end in a report
or a `CatalogImportError` and nothing else (see `fuzz_readers.py` for what is generated)."""

import pytest

from tests.fuzzing import check_reader


@pytest.mark.parametrize("reader", ["json", "xlsx"])
def test_the_reader_answers_every_generated_file_with_a_report_under_a_memory_cap(reader):
    check_reader(reader)
