#!/usr/bin/env bash
# The README's worked example, end to end: log in, assign, cluster, plan, report progress with a file
# and an indicator value, approve, publish, and read it back as the public does (API, file, feed).
# Run it against `make run` after creating the first admin:
#   printf 'a long admin passphrase\n' | NRTD_DATABASE_URL=sqlite:///./demo.db .venv/bin/nrtd users create admin@example.org --role admin --password-stdin
#   bash docs/worked-example.sh
set -euo pipefail
B=${NRTD_API:-http://127.0.0.1:8000/api/v1}
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
JSON='Content-Type: application/json'

# 1. The admin logs in (OAuth2 password form) and gets a bearer token.
ADMIN="Authorization: Bearer $(curl -sf -X POST "$B/auth/token" \
  -d username=admin@example.org -d 'password=a long admin passphrase' | json '["access_token"]')"

# 2. A ministry, and its focal point.
MINISTRY=$(curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/entities" \
  -d '{"name": "Ministry of Justice and Human Rights", "acronym": "MINJUSDH", "kind": "ministry"}' | json '["id"]')
curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/users" -d "{\"email\": \"focal@justice.example.org\",
  \"role\": \"focal_point\", \"entity_id\": $MINISTRY, \"password\": \"another long passphrase\"}" >/dev/null

# 3. Find the recommendations on torture and cluster them.
IDS=$(curl -sf -H "$ADMIN" "$B/recommendations?q=torture&limit=50" | json '["items"]' \
  | python3 -c 'import ast, sys; print(",".join(str(i["id"]) for i in ast.literal_eval(sys.stdin.read())))')
FIRST=${IDS%%,*}
CLUSTER=$(curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/clusters" \
  -d "{\"name\": \"Prevention of torture\", \"lead_entity_id\": $MINISTRY}" | json '["id"]')
curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/clusters/$CLUSTER/recommendations" -d "{\"ids\": [$IDS]}"; echo
# ... and ask for others like the first one, to grow the cluster.
curl -sf -H "$ADMIN" "$B/recommendations/$FIRST/similar?limit=3" | json '["items"][0]["score"]'

# 4. Priority, status and the lead ministry of the first one. Writes need the ETag in If-Match.
ETAG=$(curl -sf -o /dev/null -D - -H "$ADMIN" "$B/recommendations/$FIRST" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
curl -sf -H "$ADMIN" -H "$JSON" -H "If-Match: $ETAG" -X PATCH "$B/recommendations/$FIRST" \
  -d "{\"priority\": \"high\", \"priority_rationale\": \"Raised by three mechanisms\",
       \"status\": \"in_progress\", \"lead_entity_id\": $MINISTRY}" | json '["local"]'

# 5. An action in the implementation plan, with an indicator.
ACTION=$(curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/actions" -d "{\"title\": \"Train prison staff\",
  \"recommendation_ids\": [$FIRST], \"cluster_ids\": [$CLUSTER], \"lead_entity_id\": $MINISTRY,
  \"start_date\": \"2026-01-01\", \"due_date\": \"2026-12-31\", \"sdg_targets\": [\"16.3\"]}" | json '["id"]')
INDICATOR=$(curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/actions/$ACTION/indicators" \
  -d '{"name": "Prison staff trained", "unit": "people", "target": {"value": 400, "date": "2026-12-31"}}' | json '["id"]')

# 6. The focal point logs in, chooses their own password (an account an admin made must, before
#    anything else), logs in with it, then reports progress and submits it.
focal_login() { curl -sf -X POST "$B/auth/token" -d username=focal@justice.example.org -d "password=$1" \
  | json '["access_token"]'; }
FOCAL="Authorization: Bearer $(focal_login 'another long passphrase')"
curl -sf -H "$FOCAL" -H "$JSON" -X POST "$B/me/password" \
  -d '{"current_password": "another long passphrase", "new_password": "the focal point own passphrase"}'
FOCAL="Authorization: Bearer $(focal_login 'the focal point own passphrase')"
PROGRESS=$(curl -sf -H "$FOCAL" -H "$JSON" -X POST "$B/actions/$ACTION/progress" -d '{"reported_on": "2026-06-30",
  "narrative": "120 officers trained in three regions.", "new_status": "in_progress"}' | json '["id"]')
# ... attaches the training report to the draft (any PDF, image, office document, CSV or text file),
REPORT=$(mktemp --suffix=.pdf)
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$REPORT"
curl -sf -H "$FOCAL" -X POST "$B/progress/$PROGRESS/evidence" -F "file=@$REPORT;filename=training-report.pdf" \
  | json '["media_type"]'
rm -f "$REPORT"
curl -sf -H "$FOCAL" -X POST "$B/progress/$PROGRESS/submit" | json '["state"]'
# ... and records the indicator's value, submitted at once.
VALUE=$(curl -sf -H "$FOCAL" -H "$JSON" -X POST "$B/indicators/$INDICATOR/values" \
  -d '{"measured_on": "2026-06-30", "value": 120, "submit": true}' | json '["id"]')

# 7. The coordinator (here the admin) approves it and publishes it. The action is not published yet:
#    without "publish_parents" the answer would list it in "not_public_parents" and nothing would be
#    public; with it, the action is published in the same step.
curl -sf -H "$ADMIN" -H "$JSON" -X POST "$B/progress/$PROGRESS/approve" \
  -d '{"publish": true, "publish_parents": true}' | json '["public"]'
# The value is public once approved (its action is now published): "public" says so.
curl -sf -H "$ADMIN" -X POST "$B/indicator-values/$VALUE/approve" | json '["public"]'

# 8. The status and priority set in step 4 are staff work until published (docs/publishing.md).
curl -sf -H "$ADMIN" -X POST "$B/recommendations/$FIRST/publish" | json '["local"]["published_status"]'

# 9. What the public sees, without a token: the status, and the action with its progress.
curl -sf "$B/public/recommendations/$FIRST" | json '["status"]'
curl -sf "$B/public/actions/$ACTION" | json '["progress"][0]["narrative"]'
curl -sf "$B/public/actions/$ACTION" | json '["indicators"][0]["values"]'
FILE_URL=$(curl -sf "$B/public/actions/$ACTION" | json '["progress"][0]["evidence"][0]["url"]')
curl -sf -o /dev/null -w '%{http_code} %{content_type}\n' "${B%/api/v1}$FILE_URL"
curl -sf "$B/public/feed.atom" | grep -c "<entry>"

# 10. Who changed what.
curl -sf -H "$ADMIN" "$B/audit?limit=5" | json '["items"][0]'
