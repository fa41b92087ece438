"""Malformed parameters and oversized files: a clear answer, never a 500 or minutes of work."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from crpm_plugins.cso_map.import_rows import REQUIRED_COLUMNS
from flask import Flask
from openpyxl import Workbook

from crpm_cms.plugin_api import MAX_SHEET_COLUMNS
from crpm_cms.testing import Client


@pytest.mark.parametrize("ids", ["99999999999999999999", "%C2%B9", "1,-2,abc,,%D9%A3"])
def test_the_popup_ignores_ids_that_are_not_row_numbers(client: Client, ids: str) -> None:
    response = client.get(f"/map/popup?ids={ids}")
    assert response.status_code == 200


@pytest.mark.parametrize("extension", ["csv", "xlsx", "geojson"])
# Chinese, an Arabic-Indic 3, a mathematical bold 1, the numeral XII, the Kelvin sign
@pytest.mark.parametrize("value", ["中", "\u0663", "\U0001d7d9", "\u216b", "\u212a"])
def test_an_export_filtered_by_any_letter_has_a_valid_file_name(client: Client, extension: str,
                                                                value: str) -> None:
    response = client.get(f"/map/organisations.{extension}?country={quote(value)}")
    assert response.status_code == 200
    response.headers["Content-Disposition"].encode("latin-1")  # what a server can send
    assert response.headers["Content-Disposition"].endswith(f".{extension}")


def test_a_workbook_sixteen_thousand_columns_wide_is_refused_before_it_is_read(
        app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(REQUIRED_COLUMNS))
    sheet.cell(row=2, column=16_384, value="x")  # the sheet declares columns A to XFD
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login("admin")
    answer = client.post_form("/map/import?lang=en",
                              {"file": (io.BytesIO(buffer.getvalue()), "wide.xlsx")},
                              content_type="multipart/form-data")
    assert answer.status_code == 400
    assert (f"The sheet has 16384 columns; an import reads at most {MAX_SHEET_COLUMNS}."
            in answer.get_data(as_text=True))
