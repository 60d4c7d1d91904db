.PHONY: openapi
# Regenerate the committed OpenAPI document (tests/test_openapi.py fails when it drifts).
openapi:
	.venv/bin/python -m app.openapi
