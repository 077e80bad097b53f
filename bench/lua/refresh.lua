-- Refresh-token rotation under load: every refresh token is single use, so each thread keeps a pool of
-- live tokens (PER_THREAD of them from TOKENS_FILE: one per connection plus spares, because wrk calls
-- request() once per thread without sending it), sends one per request, and puts the rotated token from
-- each 200 response back. Anything else loses that token and is counted and reported.
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local per = tonumber(os.getenv("PER_THREAD"))
   pool = {}
   errors = 0
   local i = 0
   for line in io.lines(os.getenv("TOKENS_FILE")) do
      if math.floor(i / per) + 1 == id then table.insert(pool, line) end
      i = i + 1
   end
   path = os.getenv("TOKEN_PATH")
   client = os.getenv("CLIENT_ID")
end

function request()
   local token = table.remove(pool) or "pool-exhausted"
   return wrk.format("POST", path, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=refresh_token&client_id=" .. client .. "&refresh_token=" .. token)
end

function response(status, headers, body)
   local token = status == 200 and string.match(body, '"refresh_token":"([^"]+)"')
   if token then
      table.insert(pool, token)
   else
      errors = errors + 1
      if errors == 1 then io.write(string.format("first refresh failure: %d %s\n", status, string.sub(body, 1, 200))) end
   end
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      local e = thread:get("errors")
      if e and e > 0 then io.write(string.format("refresh errors in thread: %d\n", e)) end
   end
end
