"""The OpenAPI schema: valid, warning-free, and describing every body and answer of the API."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.api.conftest import PREDICTION_FIELDS

ROOT = Path(__file__).resolve().parent.parent
# The committed copy of the schema: a change to the API shows in review as a change to this file.
COMMITTED = ROOT / "docs" / "api" / "schema.yml"
REGENERATE = "DJANGO_DEBUG=1 .venv/bin/python manage.py spectacular --file docs/api/schema.yml"


@pytest.fixture(scope="module")
def schema_text(tmp_path_factory) -> str:
    """`manage.py spectacular --validate --fail-on-warn`, exactly as README and CI run it."""
    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    return out.read_text()


@pytest.fixture(scope="module")
def schema(schema_text) -> dict:
    return yaml.safe_load(schema_text)


def test_the_schema_is_the_committed_one(schema_text):
    committed = COMMITTED.read_text()
    if schema_text != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                schema_text.splitlines(keepends=True),
                "docs/api/schema.yml (committed)",
                "manage.py spectacular (now)",
            )
        )
        pytest.fail(
            "The API schema differs from the committed docs/api/schema.yml. If the change is intended, "
            f"regenerate it with `{REGENERATE}` and commit it with the change.\n" + diff[:8000],
            pytrace=False,
        )


EXPECTED = {
    ("/api/v1/auth/token/", "post"): {"200", "400", "413", "429"},
    ("/api/v1/predictions/", "get"): {"200", "400", "401", "404", "429"},
    ("/api/v1/predictions/", "post"): {"201", "400", "401", "403", "413", "422", "429", "503"},
    ("/api/v1/predictions/{id}/", "get"): {"200", "401", "404", "429"},
    ("/api/v1/predictions/{id}/", "patch"): {"200", "400", "401", "403", "404", "429"},
    ("/api/v1/predictions/{id}/", "delete"): {"204", "401", "403", "404", "429"},
    ("/api/v1/readings/", "post"): {"200", "400", "403", "413", "422", "429", "503"},  # open to visitors: no 401
    ("/api/v1/model/", "get"): {"200", "401", "429", "503"},
}


def test_every_operation_lists_every_answer(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == set(EXPECTED)
    for (path, method), codes in EXPECTED.items():
        responses = schema["paths"][path][method]["responses"]
        assert set(responses) == codes, (path, method)
        for code, response in responses.items():
            if code != "204":
                ref = response["content"]["application/json"]["schema"]
                assert ref, (path, method, code)
            if code[0] in "45":
                assert response["content"]["application/json"]["schema"]["$ref"].split("/")[-1] in (
                    "Error",
                    "ValidationError",
                    "Refusal",
                ), (path, method, code)


def test_a_refusal_is_documented_as_422_with_its_code(schema):
    for path in ("/api/v1/predictions/", "/api/v1/readings/"):
        response = schema["paths"][path]["post"]["responses"]["422"]
        assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Refusal")
        assert "force" in response["description"]
    refusal = schema["components"]["schemas"]["Refusal"]
    assert set(refusal["properties"]) == {"code", "detail"} and set(refusal["required"]) == {"code", "detail"}
    code = refusal["properties"]["code"]
    ref = code.get("$ref") or code.get("allOf", [{}])[0].get("$ref")  # an enum is a component of its own
    code = schema["components"]["schemas"][ref.split("/")[-1]] if ref else code
    assert code["enum"] == ["not_a_digit"]


def test_pictures_may_be_sent_as_a_file_or_as_json(schema):
    components = schema["components"]["schemas"]
    for path in ("/api/v1/predictions/", "/api/v1/readings/"):
        body = schema["paths"][path]["post"]["requestBody"]["content"]
        assert set(body) == {"multipart/form-data", "application/json"}
        upload = components[body["multipart/form-data"]["schema"]["$ref"].split("/")[-1]]
        as_json = components[body["application/json"]["schema"]["$ref"].split("/")[-1]]
        assert upload["properties"]["image"]["format"] == "binary"
        assert as_json["properties"]["image"]["type"] == "string"
        for part in (upload, as_json):
            assert part["required"] == ["image"]
            assert part["properties"]["multi"]["default"] is False
            assert part["properties"]["force"]["default"] is False and part["properties"]["force"]["type"] == "boolean"


def test_a_prediction_has_the_contracts_fields(schema):
    prediction = schema["components"]["schemas"]["Prediction"]["properties"]
    assert set(prediction) == PREDICTION_FIELDS
    assert prediction["notice"]["nullable"] is True and prediction["forced"]["type"] == "boolean"
    components = schema["components"]["schemas"]
    assert prediction["lines"]["items"]["$ref"].endswith("/Line")
    assert prediction["ignored"]["items"]["$ref"].endswith("/Mark")
    assert set(components["Line"]["properties"]) == {"number", "box", "digits"}
    assert set(components["Mark"]["properties"]) == {"box", "not_digit"}
    assert set(components["Reading"]["properties"]) == set(prediction) - {
        "id",
        "correct_label",
        "marked_not_a_digit",
        "image_url",
        "created_at",
    }
    digit = components["Digit"]["properties"]
    assert set(digit) == {"digit", "confidence", "probabilities", "box", "uncertain", "not_digit", "seen"}
    assert "seen" not in components["Digit"].get("required", [])  # only when a reading asks for it


def test_the_list_documents_its_filters_and_pages(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/predictions/"]["get"]["parameters"]}
    assert names == {"digit", "source", "status", "created_after", "created_before", "page", "page_size"}


def test_the_answer_is_documented_where_it_is_sent_shown_and_filtered(schema):
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/predictions/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    patch = components[body["schema"]["$ref"].split("/")[-1]]
    assert set(patch["properties"]) == {"correct_label", "marked_not_a_digit"} and not patch.get("required")
    assert patch["properties"]["marked_not_a_digit"]["type"] == "boolean"
    assert components["Prediction"]["properties"]["marked_not_a_digit"]["type"] == "boolean"
    status = next(p for p in schema["paths"]["/api/v1/predictions/"]["get"]["parameters"] if p["name"] == "status")
    assert set(status["schema"]["enum"]) == {"not_sure", "unanswered", "confirmed", "corrected", "not_a_digit"}


def test_token_and_session_authentication_are_described(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["in"] == "header"
    assert "cookieAuth" in schemes
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security") in (None, [], [{}])


def test_multi_is_true_false_or_auto_and_readings_need_no_credentials(schema):
    for name in ("PictureUploadRequest", "PictureJSONRequest", "ReadingUploadRequest", "ReadingJSONRequest"):
        multi = schema["components"]["schemas"][name]["properties"]["multi"]
        assert multi["oneOf"] == [{"type": "boolean"}, {"type": "string", "enum": ["auto"]}], name
    assert {} in schema["paths"]["/api/v1/readings/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/predictions/"]["post"]["security"]
    assert "seen" in schema["components"]["schemas"]["ReadingUploadRequest"]["properties"]
    assert "seen" not in schema["components"]["schemas"]["PictureUploadRequest"]["properties"]
