-- POST /bench/write: the form a visitor sends back with the CSRF token of the session cookie.
-- bench/http.py gets both with one GET first and passes them in:
--   wrk ... -s bench/write.lua URL -- COOKIE TOKEN PREFIX
-- Every request inserts a row with a slug of its own (PREFIX-thread-n: slugs are unique).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local cookie, token, prefix
local n = 0
local text = string.rep("lorem+ipsum+dolor+sit+amet+", 18)

function init(args)
  cookie, token, prefix = args[1], args[2], args[3]
end

function request()
  n = n + 1
  local body = "csrf_token=" .. token .. "&title=Written+article+" .. n .. "&slug=" .. prefix .. "-" .. id .. "-" .. n
    .. "&body=" .. text .. "&views=" .. (n % 10000)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
