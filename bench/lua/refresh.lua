-- Refresh-token rotation under load: every refresh token is single use, so each thread keeps a pool of
-- live tokens (one per connection, from TOKENS_FILE), sends one per request, and puts the rotated
-- token from each 200 response back. A non-200 loses that token and is counted.
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
   local token = table.remove(pool)
   if token == nil then token = "exhausted" end
   return wrk.format("POST", path, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=refresh_token&client_id=" .. client .. "&refresh_token=" .. token)
end

function response(status, headers, body)
   if status == 200 then
      local token = string.match(body, '"refresh_token":"([^"]+)"')
      if token then table.insert(pool, token) else errors = errors + 1 end
   else
      errors = errors + 1
   end
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      local e = thread:get("errors")
      if e and e > 0 then io.write(string.format("refresh errors in thread: %d\n", e)) end
   end
end
