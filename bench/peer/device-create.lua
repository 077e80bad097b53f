-- Starts device authorizations at oidc-provider as fast as it takes them (POST /device/auth) and writes each
-- device_code to codes.<RUN>.<thread> in $CODES_DIR: the peer of bench/oob-poll/create.lua.
local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   out = io.open(os.getenv("CODES_DIR") .. "/codes." .. os.getenv("RUN") .. "." .. id, "w")
end

function request()
   return wrk.format("POST", "/device/auth", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "client_id=bench-native&scope=openid")
end

function response(status, headers, body)
   local code = string.match(body, '"device_code":"([^"]+)"')
   if code then out:write(code, "\n"); out:flush() end
end
