"""Cases (项目) in the web app (issue 20 point 5): create from the bundled example, upload the
register, actuals and transfers, settle, the stored statement as the next year's previous,
bad files refused with every error by file, row and column, the transfer form, the audit log.

Figures are those worked by hand in docs/operating.md ("Worked example to the fen"); the
arithmetic is repeated beside each assertion.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from webhelpers import EXAMPLES

OPERATING = EXAMPLES / "operating"
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def token(client, url: str = "/cases") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(url).data.decode()).group(1)


def new_case(client) -> str:
    r = client.post("/cases", data={"csrf_token": token(client), "source": "example"})
    assert r.status_code == 303
    return r.headers["Location"]


def upload(client, url: str, kind: str, name: str, data: bytes, headers=ZH):
    return client.post(f"{url}/{kind}", data={"csrf_token": token(client, url),
                                              "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers)


def example(name: str) -> bytes:
    return (OPERATING / name).read_bytes()


def settle(client, url: str, year: int):
    r = client.post(f"{url}/settle", data={"csrf_token": token(client, url), "year": str(year)})
    assert r.status_code == 303, r.data.decode()[:2000]
    return r.headers["Location"]


def stored_statement(client, url: str, year: int) -> dict:
    r = client.get(f"{url}/settlements/{year}/statement.json")
    assert r.status_code == 200
    return json.loads(r.data)


def pair(doc: dict) -> dict:
    (p,) = doc["settlement"]["pairs"]
    assert (p["a"], p["b"]) == ("beijing", "hebei")
    return p


def text(html: str) -> str:
    body = html[html.index("<main>"):html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_the_example_settles_2022_to_the_fen(client):
    url = new_case(client)
    assert upload(client, url, "register", "register.csv", example("register.csv")).status_code == 303
    assert upload(client, url, "actuals", "actuals-2022.csv",
                  example("actuals-2022.csv")).status_code == 303
    assert upload(client, url, "transfers-file", "transfers.csv",
                  example("transfers.csv")).status_code == 303
    page = client.get(settle(client, url, 2022), headers=ZH)
    assert page.status_code == 200
    p = pair(stored_statement(client, url, 2022))
    # docs/operating.md: A001 2021 (6,400万 × 0.5 + 1,000万 × 0.4) × 0.5 = 1,800万; 2022
    # (7,000 × 0.5 + 500 × 0.4) × 0.5 = 1,850万; cumulative −(18,000,000 + 18,500,000)
    assert p["entitlement"] == "-18500000.00"
    assert p["cumulative_entitlement"] == "-36500000.00"
    # Hebei paid 15,000,000.00 for 2021 (b → a: negative)
    assert p["cumulative_transfers"] == "-15000000.00"
    # −36,500,000 − (−15,000,000) = −21,500,000: Hebei pays Beijing
    assert p["balance_due"] == "-21500000.00"
    assert (p["payer"], p["payee"], p["amount_due"]) == ("hebei", "beijing", "21500000.00")
    assert p["adjustment"] is None
    # the plan, projections as signed: 3,600万 × 0.5 twice = −36,000,000.00
    assert p["plan"]["cumulative_entitlement"] == "-36000000.00"
    body = text(page.data.decode())
    assert "河北省（迁入地） 向 北京市（迁出地） 支付 21,500,000.00 元" in body
    assert "hebei" not in body and "beijing" not in body
    a001 = re.search(r'<tr data-enterprise="A001">(.*?)</tr>', page.data.decode()).group(1)
    # A001 in 2022, Beijing: plan 3,600万 × 0.5 = 18,000,000.00, actual 3,700万 × 0.5
    assert re.findall(r'class="num">([^<]+)<', a001)[:2] == ["18,000,000.00", "18,500,000.00"]
    csv_text = client.get(f"{url}/settlements/2022/statement.csv").data.decode()
    assert "beijing,hebei,-18500000.00,-36500000.00,-15000000.00,-21500000.00,hebei,beijing," \
           "21500000.00,,0.00" in csv_text


def test_the_statement_downloads_as_xlsx_and_pdf(client, tmp_path):
    """The case page's XLSX and PDF statements (sharing.operating.render) carry the figure
    worked above: Hebei pays Beijing 21,500,000.00."""
    import subprocess

    from openpyxl import load_workbook

    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    upload(client, url, "actuals", "actuals-2022.csv", example("actuals-2022.csv"))
    upload(client, url, "transfers-file", "transfers.csv", example("transfers.csv"))
    page = client.get(settle(client, url, 2022), headers=ZH).data.decode()
    assert "statement.xlsx" in page and "statement.pdf" in page
    x = client.get(f"{url}/settlements/2022/statement.xlsx", headers=ZH)
    assert x.status_code == 200 and x.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(x.data))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any(v is not None and str(v) in ("21500000", "21500000.0", "21500000.00")
               for v in cells) or -21500000 in cells or 21500000 in cells
    assert "beijing" not in {str(v) for v in cells}  # names, not ids, in zh-CN
    pdf = client.get(f"{url}/settlements/2022/statement.pdf", headers=ZH)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    src = tmp_path / "statement.pdf"
    src.write_bytes(pdf.data)
    body = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "21,500,000.00" in body and "北京市" in body


def test_drill_down_to_the_enterprises(client):
    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    upload(client, url, "actuals", "actuals-2022.csv", example("actuals-2022.csv"))
    r = client.get(f"{url}/enterprises?party=hebei&year=2021", headers=ZH)
    assert r.status_code == 200
    rows = dict(re.findall(r'data-enterprise="(\w*)"><td>[^<]*</td><td class="num">([^<]+)<',
                           r.data.decode()))
    # Hebei 2021: A001 its half 1,800万 = 18,000,000.00; B002 ineligible, 2,000万 × 0.5 =
    # 10,000,000.00 unclaimed; C003 moves in 2023: 0.
    assert rows == {"A001": "18,000,000.00", "B002": "10,000,000.00", "C003": "0.00",
                    "": "0.00"}
    assert "28,000,000.00" in r.data.decode()  # 18,000,000 + 10,000,000


def actuals_2021() -> bytes:
    return ("税种,企业代码,年度,金额（万元）\n增值税,A001,2021,6400\n企业所得税,A001,2021,1000\n"
            "增值税,B002,2021,2000\n企业所得税,B002,2021,0\n").encode()


def actuals_2022_corrected() -> bytes:
    # A001's 2021 VAT corrected from 6,400万 to 6,600万, and the 2022 figures
    return (b"stream,enterprise,year,amount_wan\nvat,A001,2021,6600\nvat,A001,2022,7000\n"
            b"cit,A001,2022,500\nvat,B002,2022,2200\ncit,B002,2022,0\n")


def test_second_year_adjustment_against_the_stored_first(client):
    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    assert upload(client, url, "actuals", "a2021.csv", actuals_2021()).status_code == 303
    upload(client, url, "transfers-file", "transfers.csv", example("transfers.csv"))
    settle(client, url, 2021)
    first = pair(stored_statement(client, url, 2021))
    # 2021: −18,000,000.00 owed; Hebei paid 15,000,000.00 → balance −3,000,000.00 (arrears)
    assert (first["cumulative_entitlement"], first["balance_due"]) == ("-18000000.00",
                                                                       "-3000000.00")
    assert upload(client, url, "actuals", "a2022.csv", actuals_2022_corrected()).status_code == 303
    page = client.get(settle(client, url, 2022), headers=ZH)
    p = pair(stored_statement(client, url, 2022))
    # 2021 now: (6,600 × 0.5 + 1,000 × 0.4) × 0.5 = 1,850万 → −18,500,000.00;
    # adjustment = −18,500,000 − (−18,000,000) = −500,000.00
    assert p["adjustment"] == "-500000.00"
    # 2022: (7,000 × 0.5 + 500 × 0.4) × 0.5 = 1,850万; cumulative −37,000,000.00
    assert p["cumulative_entitlement"] == "-37000000.00"
    # balance −37,000,000 + 15,000,000 = −22,000,000 = −3,000,000 (previous) − 18,500,000
    # (since) − 500,000 (adjustment) − 0 (transfers since)
    assert p["balance_due"] == "-22000000.00"
    assert p["balance_identity"]["previous_balance_due"] == "-3000000.00"
    doc = stored_statement(client, url, 2022)
    assert doc["settlement"]["previous_year"] == 2021
    assert "-500,000.00" in text(page.data.decode())


BAD_ROWS = [["stream", "enterprise", "year", "amount_wan"],
            ["vat", "A001", "20x1", "100"],      # row 2, column C: not a year
            ["vat", "Z999", "2021", "100"],      # row 3, column B: not in the register
            ["cit", "A001", "2021", "1e6"]]      # row 4, column D: not a number


def bad_csv() -> bytes:
    return "".join(",".join(r) + "\n" for r in BAD_ROWS).encode()


def bad_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in BAD_ROWS:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name,data", [("bad.csv", bad_csv()), ("bad.xlsx", bad_xlsx())])
def test_a_bad_actuals_file_lists_every_error_and_stores_nothing(client, name, data):
    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    before = client.get(url).data.decode().count('data-kind="actuals"')
    r = upload(client, url, "actuals", name, data)
    assert r.status_code == 422
    html = r.data.decode()
    where = re.findall(r'data-file="([^"]+)" data-row="(\d+)" data-column="(\w+)"', html)
    assert where == [(name, "2", "C"), (name, "3", "B"), (name, "4", "D")]
    assert f"{name}：第 2 行，第 C 列" in html
    r = upload(client, url, "actuals", name, data, headers=EN)
    assert f"{name}: row 3, column B (enterprise): Z999 is not an enterprise of the " \
           "register" in r.data.decode()
    assert client.get(url).data.decode().count('data-kind="actuals"') == before == 0


def test_a_transfer_form_with_three_mistakes(client):
    url = new_case(client)
    typed = {"date": "2022-13-01", "from": "hebei", "to": "beijing", "amount": "12,34",
             "year": "22", "reference": "冀财结〔2022〕9号"}
    r = client.post(f"{url}/transfers", data={"csrf_token": token(client, url), **typed},
                    headers=ZH)
    assert r.status_code == 422
    html = r.data.decode()
    assert re.findall(r'class="field-error" data-field="(\w+)"', html) == ["date", "amount",
                                                                           "year"]
    for field in ("date", "amount", "year", "reference"):
        assert f'name="{field}" ' in html and f'value="{typed[field]}"' in html
    assert '<option value="hebei" selected>' in html
    assert 'data-kind="transfers"' not in html and "transfer-list" not in html
    ok = dict(typed, date="2022-12-01", amount="1,000,000.00", year="2022")
    r = client.post(f"{url}/transfers", data={"csrf_token": token(client, url), **ok})
    assert r.status_code == 303
    assert "1,000,000.00" in client.get(url).data.decode()


def test_no_csrf_token_no_upload(client):
    url = new_case(client)
    r = client.post(f"{url}/register", data={"file": (io.BytesIO(example("register.csv")),
                                                      "register.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400


def test_a_newer_contract_document_keeps_the_history(client):
    url = new_case(client)
    amended = example("contract.yaml").decode() + (
        "amendments:\n  - id: bcxy_2023\n    name: 补充协议一\n    signed: 2023\n"
        "    effective_from: 3\n    clauses:\n"
        "      - {id: bth_92, kind: buffer, per_enterprise: true, streams: [vat, cit], "
        "party: from, years: 5, shape: flat, start: 0.4, cap: {party: from, cumulative: "
        "pre_relocation_total}, eligibility: {pre_years: 3, min_average: 2000}}\n")
    r = upload(client, url, "contract", "contract-amended.yaml", amended.encode())
    assert r.status_code == 303, r.data.decode()[:3000]
    html = client.get(url, headers=ZH).data.decode()
    docs = re.search(r'<ol id="case-documents">(.*?)</ol>', html, re.S).group(1)
    assert docs.count("<li>") == 2 and "contract.yaml" in docs and "contract-amended.yaml" in docs
    assert 'data-version="2"' in html
    # effective_from contract year 3 of a contract starting 2021: 2023
    assert re.search(r'data-version="2"><td>2</td><td>补充协议一</td><td>2023</td>', html)


def test_every_step_is_in_the_audit_log(client, app):
    from sharing.audit import log

    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    upload(client, url, "actuals", "actuals-2022.csv", example("actuals-2022.csv"))
    upload(client, url, "transfers-file", "transfers.csv", example("transfers.csv"))
    upload(client, url, "actuals", "bad.csv", bad_csv())  # refused: not logged
    settle(client, url, 2022)
    client.post(f"{url}/transfers", data={"csrf_token": token(client, url), "date": "2023-03-01",
                                          "from": "hebei", "to": "beijing",
                                          "amount": "21500000.00", "year": "2022"})
    actions = [r["action"] for r in log.rows(app.extensions["sharing_db"])]
    assert actions == ["case_create", "case_register", "case_actuals", "case_transfers",
                       "case_settle", "case_transfer"]
    page = client.get("/audit", headers=ZH).data.decode()
    for label in ("创建项目", "上传企业名单", "上传实际入库数", "上传划转记录", "年度结算",
                  "登记划转"):
        assert label in page


def test_rights_are_those_of_scenarios(tmp_path):
    from web import create_app, users

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "AUTH_MODE": "required",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    db = app.extensions["sharing_db"]
    clients = {}
    for name, role in (("fo1", "finance_officer"), ("fo2", "finance_officer"),
                       ("au", "auditor")):
        users.add_user(db, name, role, "correct horse")
        c = app.test_client()
        c.post("/login", data={"csrf_token": token(c, "/login"), "name": name,
                               "password": "correct horse"})
        clients[name] = c
    url = new_case(clients["fo1"])
    assert clients["fo1"].get(url).status_code == 200
    assert clients["fo2"].get(url).status_code == 403
    assert url not in clients["fo2"].get("/cases").data.decode()
    fo2 = clients["fo2"]
    r = fo2.post(f"{url}/register", data={"csrf_token": token(fo2), "file": (
        io.BytesIO(example("register.csv")), "register.csv")}, content_type="multipart/form-data")
    assert r.status_code == 403
    au = clients["au"]
    assert au.get(url).status_code == 200  # an auditor reads every case …
    r = au.post(f"{url}/settle", data={"csrf_token": token(au), "year": "2022"})
    assert r.status_code == 403  # … and changes nothing
    fo1 = clients["fo1"]
    assert fo1.post(f"{url}/share", data={"csrf_token": token(fo1),
                                          "shared": "1"}).status_code == 303
    assert fo2.get(url).status_code == 200  # shared: read only
    r = fo2.post(f"{url}/settle", data={"csrf_token": token(fo2), "year": "2022"})
    assert r.status_code == 403
    # another finance officer cannot delete the case, nor can the auditor; its owner can
    assert fo2.post(f"{url}/delete", data={"csrf_token": token(fo2)}).status_code == 403
    assert au.post(f"{url}/delete", data={"csrf_token": token(au)}).status_code == 403
    assert fo1.get(url).status_code == 200
    assert fo1.post(f"{url}/delete", data={"csrf_token": token(fo1)}).status_code == 303
    assert fo1.get(url).status_code == 404
    from sharing.audit import log as audit_log

    last = audit_log.rows(db)[-1]  # the log names who deleted it
    assert last["action"] == "case_delete" and last["user"] == "fo1"
    app.extensions["sharing_db"].dispose()


def test_a_bad_register_lists_every_error_and_stores_nothing(client):
    url = new_case(client)
    bad = ("enterprise,name,from,relocation_year,pre_2018,pre_2019,pre_2020\n"
           "A001,甲,hebei,2021,2000,2000,2000\n"       # row 2, column C: the receiving party
           "B002,乙,beijing,20x1,1500,2000,2400\n").encode()  # row 3, column D: not a year
    r = upload(client, url, "register", "reg.csv", bad)
    assert r.status_code == 422
    where = re.findall(r'data-file="([^"]+)" data-row="(\d+)" data-column="(\w+)"',
                       r.data.decode())
    assert where == [("reg.csv", "2", "C"), ("reg.csv", "3", "D")]
    assert 'data-kind="register"' not in client.get(url).data.decode()


def test_settling_a_year_without_its_actuals_lists_the_missing_rows(client):
    url = new_case(client)
    r = client.post(f"{url}/settle", data={"csrf_token": token(client, url), "year": "2022"},
                    headers=ZH)
    assert r.status_code == 400 and "请先上传企业名单" in r.data.decode()
    upload(client, url, "register", "register.csv", example("register.csv"))
    r = client.post(f"{url}/settle", data={"csrf_token": token(client, url), "year": "2022"},
                    headers=ZH)
    assert r.status_code == 400 and "请先上传实际入库数" in r.data.decode()
    upload(client, url, "actuals", "a2021.csv", actuals_2021())
    r = client.post(f"{url}/settle", data={"csrf_token": token(client, url), "year": "2022"},
                    headers=ZH)
    assert r.status_code == 422
    html = r.data.decode()
    assert html.count('data-row="-"') == 4 and "实际入库数：第 - 行" in html
    r = client.post(f"{url}/settle", data={"csrf_token": token(client, url), "year": "2022"},
                    headers=EN)
    # A001 and B002 moved in 2021, each with 增值税 and 企业所得税: four streams lack 2022
    assert re.findall(r"no row for ([\w/]+) in 2022", r.data.decode()) == [
        "A001/vat", "A001/cit", "B002/vat", "B002/cit"]
    assert client.get(f"{url}/settlements/2022").status_code == 404


def test_a_bad_contract_creates_no_case(client):
    r = client.post("/cases", data={"csrf_token": token(client), "source": "upload",
                                    "file": (io.BytesIO(b"name: x\nyears: 0\n"), "bad.yaml")},
                    content_type="multipart/form-data", headers=ZH)
    assert r.status_code == 422
    assert 'id="case-create-errors"' in r.data.decode()
    assert "case-list" not in client.get("/cases").data.decode()


def test_actuals_as_xlsx_settle_like_the_csv(client):
    import csv

    import openpyxl

    rows = list(csv.reader(io.StringIO(example("actuals-2022.csv").decode("utf-8-sig"))))
    wb = openpyxl.Workbook()
    for i, r in enumerate(rows):
        # numbers as number cells, as a finance bureau's workbook has them
        wb.active.append(r if i == 0 else [r[0], r[1], int(r[2]), int(r[3]), r[4]])
    buf = io.BytesIO()
    wb.save(buf)
    url = new_case(client)
    upload(client, url, "register", "register.csv", example("register.csv"))
    assert upload(client, url, "actuals", "actuals-2022.xlsx", buf.getvalue()).status_code == 303
    settle(client, url, 2022)
    p = pair(stored_statement(client, url, 2022))
    # no transfer recorded here: the whole −36,500,000.00 (docs/operating.md) is due
    assert (p["balance_due"], p["payer"]) == ("-36500000.00", "hebei")
