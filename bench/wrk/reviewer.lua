-- One reviewer approving open proposals, one after another (BENCH_APPROVE: a file of approve addresses, one a
-- line, each proposal on a cell of its own; BENCH_REVIEWER_TOKEN: the reviewer's API token), pausing
-- BENCH_REVIEW_MS between approvals as a reviewer reads the next one.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

local paths = {}
local file = assert(os.getenv("BENCH_APPROVE"), "BENCH_APPROVE is not set")
for line in io.lines(file) do
  if line ~= "" then table.insert(paths, line) end
end
assert(#paths > 0, "no proposals in BENCH_APPROVE")
local pause = tonumber(os.getenv("BENCH_REVIEW_MS") or "500")
local turn = 0
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Token " .. assert(os.getenv("BENCH_REVIEWER_TOKEN"), "BENCH_REVIEWER_TOKEN is not set")

function request()
  -- Past the last one, the same again: a 409 or 400 there is counted, so prepare enough (bench/run does).
  turn = turn % #paths + 1
  return wrk.format(nil, paths[turn])
end

function delay()
  return pause
end
