-- Polls pending device codes with the device grant (RFC 8628) at oidc-provider's /token, the peer of
-- bench/oob-poll/poll.lua: each wrk thread takes every THREADS-th code from $CODES_FILE and goes round them
-- in order. Counts the answers by kind and prints them (every one should be authorization_pending).
local threads = {}
local counter = 0
function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local every = tonumber(os.getenv("THREADS"))
   codes = {}
   local i = 0
   for line in io.lines(os.getenv("CODES_FILE")) do
      if i % every == id - 1 then table.insert(codes, line) end
      i = i + 1
   end
   next_code = 1
   pending, slow, other = 0, 0, 0
end

function request()
   local code = codes[next_code]
   next_code = next_code % #codes + 1
   return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=bench-native&device_code=" .. code)
end

function response(status, headers, body)
   if string.find(body, "authorization_pending", 1, true) then pending = pending + 1
   elseif string.find(body, "slow_down", 1, true) then slow = slow + 1
   else
      other = other + 1
      if other == 1 then io.write(string.format("first other answer: %d %s\n", status, string.sub(body, 1, 200))) end
   end
end

function done(summary, latency, requests)
   local p, s, o = 0, 0, 0
   for _, t in ipairs(threads) do p = p + t:get("pending"); s = s + t:get("slow"); o = o + t:get("other") end
   io.write(string.format("answers: authorization_pending=%d slow_down=%d other=%d\n", p, s, o))
end
