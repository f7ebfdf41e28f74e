-- GET a path chosen at random on every request among the lines of BENCH_PATHS (a file, one path a line):
-- the career-track PDFs of every role in every language, for the PDF flood.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

local file = os.getenv("BENCH_PATHS")
assert(file, "BENCH_PATHS is not set")
local paths = {}
for line in io.lines(file) do
  if line ~= "" then table.insert(paths, line) end
end
assert(#paths > 0, "no paths in BENCH_PATHS")
math.randomseed(os.time())

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
