-- Starts out-of-band transactions as fast as the server takes them: POST /primary-authenticate for a
-- different login each time, and writes each oob_code to codes.<RUN>.<thread> in $CODES_DIR.
local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   out = io.open(os.getenv("CODES_DIR") .. "/codes." .. os.getenv("RUN") .. "." .. id, "w")
   n = 0
   client = os.getenv("CLIENT_ID")
end

function request()
   n = n + 1
   return wrk.format("POST", "/oauth2/default/v1/primary-authenticate",
      { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "client_id=" .. client .. "&login_hint=bench-" .. os.getenv("RUN") .. "-" .. id .. "-" .. n .. "%40example.com&channel_hint=push" ..
      "&challenge_hint=urn%3Aokta%3Aparams%3Aoauth%3Agrant-type%3Aoob")
end

function response(status, headers, body)
   local code = string.match(body, '"oob_code":"([^"]+)"')
   if code then out:write(code, "\n"); out:flush() end
end
