#!/bin/sh
# Lints the OpenAPI document with Redocly CLI's recommended rules (docs/redocly.yaml).
#
# The document is the one the server serves at /swagger/v1/swagger.json; the test suite writes it to the test
# output (Api.Tests/Operations/OpenApiDocumentTests.cs), so run the tests first:
#   dotnet test Api.Tests --filter FullyQualifiedName~OpenApiDocumentTests
#   docs/openapi-lint.sh [document]
# Needs Node.js and npm; the CLI's version is pinned here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
document=${1:-"$here/../Api.Tests/bin/Debug/net10.0/openapi.json"}
exec npx --yes @redocly/cli@2.77.0 lint --config "$here/redocly.yaml" "$document"
