"""The OpenAPI document and its Swagger UI: served without a key, the UI from our own files."""

import re

import yaml
from openapi_spec_validator import validate


def test_the_schema_is_valid_openapi_3(client, db) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cases/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["IntegrationKey"]["name"] == "Authorization"


def test_swagger_ui_loads_nothing_from_another_host(client, db) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    urls += re.findall(r"""https?://[^\s"'<>]+""", html)
    assert urls, html
    external = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert external == [], external
    # The UI's script comes from the sidecar, served by our static files.
    assert any("drf_spectacular_sidecar" in u for u in urls)
