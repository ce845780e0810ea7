-- wrk script: GET or POST one wizard step, each request with the next prepared session.
-- Environment: BENCH_SESSIONS (file, one sessionid a line), BENCH_CSRF (token), BENCH_METHOD
-- (GET/POST), BENCH_BODY (form body for POST). The path is the one of the URL given to wrk.
local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  if #line > 0 then sessions[#sessions + 1] = line end
end
local token = os.getenv("BENCH_CSRF")
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local threads = 0
local index = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads * 7)
end

function request()
  index = index % #sessions + 1
  local headers = { ["Cookie"] = "sessionid=" .. sessions[index] .. "; csrftoken=" .. token }
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", nil, headers)
end
