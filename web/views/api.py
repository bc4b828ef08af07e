"""The JSON API: validate and run a contract; its OpenAPI description.

``POST /api/validate`` and ``POST /api/run`` take the contract as the body, JSON
(``application/json``) or YAML (``application/yaml``); a contract that must be refused gets
422 with every issue and its field path, exactly as the form shows them. Messages follow
Accept-Language (or ``?lang=``); each issue also carries the English ``template`` and its
``params``. The API is exempt from CSRF tokens (web/security.py explains why).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from .. import audit, auth, contracts
from ..contracts import InvalidContract
from ..i18n import issue_dicts
from ..security import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def _document():
    """(document, None) or (None, response) for a refused body."""
    ctype = (request.mimetype or "").lower()
    data = request.get_data(cache=False)
    if ctype in JSON_TYPES:
        name = "body.json"
    elif ctype in YAML_TYPES:
        name = "body.yaml"
    else:
        return None, ({"valid": False, "issues": [{
            "path": "(request)", "code": "content_type",
            "message": _("Send the contract as application/json or application/yaml, not "
                         "%(type)s.", type=ctype or "(none)")}]}, 415)
    try:
        return contracts.document_from_upload(data, name), None
    except InvalidContract as e:
        return None, ({"valid": False, "issues": issue_dicts(e.issues)}, 422)


@bp.post("/validate")
def validate():
    doc, refused = _document()
    if refused:
        return refused
    try:
        contract = contracts.validate_document(doc)
    except InvalidContract as e:
        return {"valid": False, "issues": issue_dicts(e.issues)}, 422
    from sharing.api import contract_sha256

    return {"valid": True, "contract_sha256": contract_sha256(contract),
            "engine": {"version": contracts.ENGINE_VERSION}, "issues": []}


@bp.post("/run")
def run():
    doc, refused = _document()
    if refused:
        return refused
    try:
        out = contracts.run_document(doc)
    except InvalidContract as e:
        return {"valid": False, "issues": issue_dicts(e.issues)}, 422
    audit.record("api_run", out.contract_sha256, out.result["result_sha256"],
                 {"source": "api", "computed": out.computed})
    from sharing.explain_text import localise

    from ..i18n import explain_lang

    # the records as computed; their why texts in the language of Accept-Language (or ?lang=)
    resp = localise(out.result, explain_lang())
    headers = {"Location": url_for("main.results", sha=out.contract_sha256)}
    return resp, 200, headers


@bp.post("/scenarios")
def save_scenario():
    """Save the body's contract as a scenario: ``?name=`` (default: the contract's name) and,
    when the name is taken, ``?on_duplicate=replace|keep_both`` (web.scenario_save); without
    it a taken name gets 409 naming the existing scenario."""
    from .. import scenario_save, storage

    try:
        on_duplicate = scenario_save.choice(request.args.get("on_duplicate"))
    except scenario_save.BadChoice as e:
        return {"error": "on_duplicate", "message": str(e), "field": "on_duplicate",
                "value": e.value, "choices": list(scenario_save.CHOICES)}, 400
    doc, refused = _document()
    if refused:
        return refused
    try:
        out = contracts.run_document(doc)
    except InvalidContract as e:
        return {"valid": False, "issues": issue_dicts(e.issues)}, 422
    name = storage.clean_name(request.args.get("name") or "") or storage.clean_name(
        str(out.result.get("name") or _("Scenario")))
    done = scenario_save.save(name, doc, out.contract_sha256, out.result["result_sha256"],
                              on_duplicate, source="api")
    if isinstance(done, list):
        sc = done[0]
        may = scenario_save.replaceable(done) is not None
        return {"error": "duplicate_name",
                "message": _("A saved scenario is already called “%(name)s” (#%(id)s, %(url)s): "
                             "send on_duplicate=replace to replace it with this contract, or "
                             "on_duplicate=keep_both to save this one as “%(other)s”.",
                             name=sc.name, id=sc.id, url=url_for("scenarios.show", sid=sc.id),
                             other=scenario_save.free_name(name)),
                "existing": [{"id": s.id, "name": s.name, "contract_sha256": s.contract_sha256,
                              "url": url_for("scenarios.show", sid=s.id),
                              "may_replace": auth.can_change(s)} for s in done],
                "choices": list(scenario_save.CHOICES) if may else ["keep_both"]}, 409
    body = {"id": done.sid, "name": done.name, "replaced": done.replaced,
            "contract_sha256": out.contract_sha256,
            "result_sha256": out.result["result_sha256"],
            "url": url_for("scenarios.show", sid=done.sid)}
    return body, (200 if done.replaced else 201), {"Location": body["url"]}


@bp.get("/openapi.json")
def openapi():
    return openapi_document()


@bp.get("/schema.json")
def schema():
    from schemas.contract import Contract

    return Contract.model_json_schema()


@bp.get("/docs")
def docs():
    return render_template("api.html", spec=openapi_document())


def openapi_document() -> dict:
    issue = {"type": "object", "required": ["path", "message", "code"], "properties": {
        "path": {"type": "string", "example": "clauses[1].schedule[0].shares"},
        "message": {"type": "string", "description": "in the language of Accept-Language"},
        "message_en": {"type": "string"},
        "code": {"type": "string", "example": "shares_sum"},
        "template": {"type": "string", "example": "shares sum to {total}; they must sum to "
                                                  "exactly 1"},
        "params": {"type": "object", "additionalProperties": {"type": "string"}}}}
    invalid = {"type": "object", "properties": {"valid": {"const": False}, "issues": {
        "type": "array", "items": {"$ref": "#/components/schemas/Issue"}}}}
    body = {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Contract"}},
        "application/yaml": {"schema": {"type": "string"}}}}
    refused = {
        "413": {"description": "the body is over the size limit"},
        "415": {"description": "not JSON or YAML",
                "content": {"application/json": {"schema": invalid}}},
        "422": {"description": "the contract is refused; each issue names its field path",
                "content": {"application/json": {"schema": invalid}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "benefit-sharing", "version": contracts.ENGINE_VERSION,
                 "description": "Benefit-sharing contracts of co-built industrial parks, "
                                "computed exactly to the fen. Amounts in results are decimal "
                                "strings in yuan."},
        "paths": {
            "/api/validate": {"post": {
                "summary": "Check a contract and list every problem with its field path",
                "requestBody": body,
                "responses": {"200": {"description": "valid", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "valid": {"const": True}, "contract_sha256": {"type": "string"}}}}}},
                    **refused}}},
            "/api/run": {"post": {
                "summary": "Compute the sharing schedule: the §4 result document",
                "requestBody": body,
                "responses": {"200": {"description": "the result; Location: its results page",
                                      "content": {"application/json": {"schema": {
                                          "$ref": "#/components/schemas/Result"}}}},
                              **refused}}},
            "/api/scenarios": {"post": {
                "summary": "Save the contract as a scenario; a taken name needs on_duplicate",
                "parameters": [
                    {"name": "name", "in": "query", "schema": {"type": "string"},
                     "description": "the scenario's name (default: the contract's name)"},
                    {"name": "on_duplicate", "in": "query",
                     "schema": {"enum": ["replace", "keep_both"]},
                     "description": "when the name is taken: replace the existing scenario "
                                    "(its owner or an administrator only) or keep both (the "
                                    "new one is named NAME (2), …)"}],
                "requestBody": body,
                "responses": {
                    "201": {"description": "saved; Location: its page"},
                    "200": {"description": "replaced the existing scenario of that name"},
                    "400": {"description": "on_duplicate is neither replace nor keep_both"},
                    "403": {"description": "the existing scenario is not the user's to "
                                           "replace"},
                    "409": {"description": "the name is taken: error duplicate_name, the "
                                           "existing scenarios and the choices"},
                    **refused}}},
            "/api/schema.json": {"get": {"summary": "The contract's JSON Schema",
                                         "responses": {"200": {"description": "JSON Schema"}}}},
        },
        "components": {"schemas": {
            "Issue": issue,
            "Contract": {"$ref": "/api/schema.json"},
            "Result": {"type": "object", "required": ["engine", "contract_sha256",
                                                      "result_sha256", "years", "parties",
                                                      "entries"],
                       "properties": {
                           "engine": {"type": "object"},
                           "contract_sha256": {"type": "string"},
                           "result_sha256": {"type": "string"},
                           "years": {"type": "array", "items": {"type": "integer"}},
                           "parties": {"type": "object"},
                           "entries": {"type": "array"}, "events": {"type": "array"},
                           "indicators": {"type": "object"}, "clauses": {"type": "object"},
                           "last_year": {"type": ["integer", "null"]}}}}},
    }
