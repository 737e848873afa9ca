"""PDF notices handed to applicants: 受理、不予受理、一次性告知、办结通知书 and 出件（送达）回执.

The renderer knows nothing about the models. The engine builds a `Notice` (plain frozen
dataclasses, values it already has) and calls `render_notice()`; this keeps rendering
testable without a database and lets the engine decide when a notice is due.

Why the notice wording is Chinese literals here and not gettext: these are official
administrative documents (文书). Their text is prescribed by the 行政许可法 and the local
规范 and must read the same whatever language the clerk's screen uses, so the notice body
is Chinese by regulation, kept in the constants below. Only what a clerk sees in the UI
(the enum labels) goes through gettext, with English msgids as everywhere else.

Invariants:
- a `NoticeParty` never holds a full ID number, USCC or phone: it masks on construction
  (values that already contain ``*`` are taken as masked);
- `issued_at` must be aware; dates print in the center's time zone as ``2026年11月3日``
  (Arabic numerals, no leading zeros — GB/T 9704-2012 for 成文日期);
- every notice starts on a new page, carries a QR code of the public progress page in the
  top right corner of its first page and, when it runs over one page, ``第 i 页 共 n 页``
  numbered per notice (so a bundle PDF of several notices still reads correctly);
- user-supplied text is escaped before it reaches ReportLab's paragraph markup;
- every font the PDF uses is embedded, as TrueType subsets (`onewindow.core.fonts`,
  docs/decisions/0012-notice-font.md), so the notice prints the same on a machine without a
  Chinese font: paragraphs, table cells and canvas strings all name the notice face (ReportLab
  would otherwise select Helvetica, which it never embeds), and a character the face lacks is
  set in an embedded fallback face or printed as 〓, never left blank.

Modules, each importing only the ones above it:
- `notice` — the kinds, the official wording and the `Notice` dataclasses with their checks;
- `layout` — the page: line breaking, geometry, styles, QR code, page numbers, tables;
- `bodies` — the body of each kind of notice;
- `render` — `render_notice`, `render_notices` and `render_binding_slip`, the PDFs.
"""
