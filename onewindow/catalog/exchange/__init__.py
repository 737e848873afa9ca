"""Catalog exchange: the `onewindow-catalog/1` document in and out, as JSON or Excel.

* `schema` — the document as typed schemas (built from `onewindow.core.inputs`): what each
  value is, its default and the codes it is refused with;
* `json` — a center's published catalog as the document, and JSON bytes in and out;
* `sheets` — the workbook's layout: its sheets and columns, each column a schema field;
* `excel` — the workbook: template, export and reading back (with the cell of every path);
* `load` — check everything (schemas, references, the guide rules `version_validate`
  applies) and write it all or nothing: `catalog_import`, `catalog_import_file`.

docs/catalog.md is the operator's and programmer's guide.
"""
