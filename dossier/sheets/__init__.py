"""The programme from the organisers' registrations spreadsheet (CSV, XLSX, ODS).

`read` turns a file into rows of cells located file:sheet:cell; `programme` turns rows into
events of the calendars and writes them into edition.yaml.
"""

from __future__ import annotations

from dossier.sheets.programme import Imported, import_programme

__all__ = ["Imported", "import_programme"]
