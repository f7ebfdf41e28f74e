-- GET a skill page chosen at random among all the catalog's skills (BENCH_SLUGS: a file, one slug a line):
-- most are rendered for the first time by the worker that serves them, as on a site whose
-- visitors read many skills.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

local path = os.getenv("BENCH_SLUGS")
assert(path, "BENCH_SLUGS is not set")
local slugs = {}
for line in io.lines(path) do
  if line ~= "" then table.insert(slugs, line) end
end
assert(#slugs > 0, "no slugs in BENCH_SLUGS")
math.randomseed(os.time())

function request()
  return wrk.format("GET", "/skills/" .. slugs[math.random(#slugs)] .. "/")
end
