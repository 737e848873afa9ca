"""The batch sheet reader under generated input: 2,000 generated sheets (hand-written parts with
odd cells, huge and odd Unicode text, formulas, merged and blank rows, headers in any order,
twice or missing; the item's template filled in, and damaged; random bytes) through
`batch_intake`, in a subprocess limited to 1 GiB of address space, end in a `BatchReport`
or one of the sheet's own `CaseError`s that wrote nothing (tests/catalog/fuzz_readers.py)."""

from tests.fuzzing import check_reader


def test_batch_intake_answers_every_generated_sheet_with_a_report_or_its_own_error_under_a_memory_cap():
    check_reader("batch")
