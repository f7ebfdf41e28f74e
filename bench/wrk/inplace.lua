-- The in-place answers a member's page asks for (static/js/inplace.js): POST the form with
-- X-Requested-With: partial, in turn from BENCH_INPLACE ("PATH<TAB>BODY" a line: tick and untick, watch and
-- unwatch, a self assessment, a lead's assessment), signed in by BENCH_INPLACE_COOKIE (session and CSRF).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

local requests = {}
local file = assert(os.getenv("BENCH_INPLACE"), "BENCH_INPLACE is not set")
for line in io.lines(file) do
  local path, body = line:match("^([^\t]+)\t(.*)$")
  if path then table.insert(requests, { path = path, body = body }) end
end
assert(#requests > 0, "no requests in BENCH_INPLACE")
local turn = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Requested-With"] = "partial"
wrk.headers["Cookie"] = assert(os.getenv("BENCH_INPLACE_COOKIE"), "BENCH_INPLACE_COOKIE is not set")

function request()
  turn = turn % #requests + 1
  return wrk.format(nil, requests[turn].path, nil, requests[turn].body)
end
