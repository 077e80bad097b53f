#!/usr/bin/env bash
# Issue 16 item 8 and issue 10: median time of POST /oauth2/default/v1/primary-authenticate for a known login and
# for a login no one has, per channel (sms, push, and webauthn: a passkey challenge with login_hint), on a fresh
# SQLite server built in Release. Known and unknown requests alternate, so a change of load hits both alike.
# Measures, asserts nothing.
#   bench/primary-authenticate-timing.sh [requests per login and channel, default 300]
# Needs: curl, python3, the Release build of DirectAuth.Server and DirectAuth.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-300}"
port=5391
base="http://127.0.0.1:$port"
token="bench-admin-token-0123456789abcdef"
out="$PWD/src/DirectAuth.Server/bin/Release/net10.0"
cli="$PWD/src/DirectAuth.Cli/bin/Release/net10.0/directauth.dll"
data="$(mktemp -d)"
dotnet "$out/DirectAuth.Server.dll" --contentRoot "$out" --urls "$base" --Storage:DataDirectory="$data" --Admin:Token="$token" \
  --RateLimits:Enabled=false --Passwords:Iterations=10000 --Phone:ResendSeconds=0 --Phone:MaxSendsPerHour=1000 \
  --Delivery:MaxSendsPerIpPerHour=100000 --Delivery:MaxSendsPerPrefixPerHour=100000 --Delivery:MaxSendsPerDay=100000 \
  --OutOfBand:Push:MaxPendingPerUser=100000 --OutOfBand:Push:MaxPerWindow=100000 --Logging:LogLevel:Default=Warning >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "$base/.well-known/openid-configuration" >/dev/null && break; sleep 0.2; done
curl -sf "$base/.well-known/openid-configuration" >/dev/null || { echo "the server did not start:" >&2; cat "$data/server.log" >&2; exit 1; }

api() { curl -sf -H "Authorization: SSWS $token" -H "Content-Type: application/json" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

user=$(api -X POST "$base/api/v1/users?activate=true" -d '{"profile":{"login":"bench@example.com","email":"bench@example.com"},"credentials":{"password":{"value":"correct horse battery staple"}}}' | json 'd["id"]')
phone="+15557654321"
factor=$(api -X POST "$base/api/v1/users/$user/factors" -d "{\"factorType\":\"sms\",\"provider\":\"OKTA\",\"profile\":{\"phoneNumber\":\"$phone\"}}" | json 'd["id"]')
code=$(api "$base/api/v1/outbox?phone=%2B15557654321&limit=1" | json 'd[0]["code"]')
api -X POST "$base/api/v1/users/$user/factors/$factor/lifecycle/activate" -d "{\"passCode\":\"$code\"}" >/dev/null
link=$(api -X POST "$base/api/v1/users/$user/factors" -d '{"factorType":"push","provider":"OKTA"}' | json 'd["_embedded"]["activation"]["activationLink"]')
dotnet "$cli" authenticator activate "$link" --server "$base" --state "$data/authenticator.json" >/dev/null
dotnet "$cli" authenticator passkey register --user bench@example.com --name bench --server "$base" --token "$token" --state "$data/authenticator.json" >/dev/null
client=$(api -X POST "$base/oauth2/v1/clients" -d '{"client_name":"bench","application_type":"native","grant_types":["password","urn:okta:params:oauth:grant-type:oob","urn:okta:params:oauth:grant-type:webauthn"],"token_endpoint_auth_method":"none"}' | json 'd["client_id"]')
policy=$(api -X POST "$base/api/v1/policies" -d '{"name":"bench"}')
pid=$(echo "$policy" | json 'd["id"]'); rid=$(echo "$policy" | json 'd["_embedded"]["rules"][0]["id"]')
api -X PUT "$base/api/v1/policies/$pid/rules/$rid" -d '{"primaryFactors":["password","oob:push","oob:sms","webauthn"],"secondFactor":"none"}' >/dev/null
api -X PUT "$base/api/v1/apps/$client/policies/$pid" >/dev/null

post() { # login channel -> "status time_total(seconds)"
  local hint=oob channel=(-d "channel_hint=$2")
  if [ "$2" = webauthn ]; then hint=webauthn; channel=(); fi
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$base/oauth2/default/v1/primary-authenticate" \
    -d "client_id=$client" --data-urlencode "login_hint=$1" "${channel[@]}" -d "challenge_hint=urn:okta:params:oauth:grant-type:$hint"
}
# The median in ms of the times in a file; fails when any request was not answered 200 (a challenge), since then
# the times would compare an error with a challenge.
median() { python3 -c "
import statistics,sys
rows=[l.split() for l in open(sys.argv[1])]
bad=[r[0] for r in rows if r[0]!='200']
if bad: sys.exit(f'{sys.argv[1]}: {len(bad)} requests not answered 200 (e.g. {bad[0]})')
print(f'{statistics.median(float(r[1]) for r in rows)*1000:.3f}')" "$1"; }
for channel in sms push webauthn; do
  for _ in $(seq 1 50); do post bench@example.com "$channel"; post nobody@example.com "$channel"; done >/dev/null # warm up
  : >"$data/known"; : >"$data/unknown"
  for _ in $(seq 1 "$n"); do
    post bench@example.com "$channel" >>"$data/known"
    post nobody@example.com "$channel" >>"$data/unknown"
  done
  known=$(median "$data/known"); unknown=$(median "$data/unknown")
  echo "$channel: known $known ms, unknown $unknown ms (medians of $n, alternating)"
done
