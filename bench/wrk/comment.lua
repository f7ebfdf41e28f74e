-- POST /api/skills/<slug>/comments/ as the bench members in turn (BENCH_TOKEN: their tokens, comma-separated).
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

wrk.method = "POST"
wrk.body = '{"body": "Benchmark comment: how does this skill change between Senior and Lead?"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local tokens = {}
for key in string.gmatch(assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set"), "[^,]+") do
  table.insert(tokens, key)
end
local turn = math.random(#tokens)

function request()
  turn = turn % #tokens + 1
  wrk.headers["Authorization"] = "Token " .. tokens[turn]
  return wrk.format()
end
