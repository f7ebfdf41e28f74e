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

-- Each answer's own latency, by its line in BENCH_INPLACE (the run's p95 mixes six answers of different cost):
-- the clock from building the request to its answer, one connection at a time (-c1), as a JSON line
-- in $WRK_ANSWERS_REPORT with p50/p95 per line number (bench.py names them: INPLACE_NAMES).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } inplace_timespec;
  int clock_gettime(int clock, inplace_timespec *now);
]]
local now = ffi.new("inplace_timespec")
local function ms()
  ffi.C.clock_gettime(1, now)  -- CLOCK_MONOTONIC
  return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
end

-- Kept as one string, a global that done() reads from the thread (thread:get copies strings; wrk's copy of a table
-- of tables crashes it): "line ms" per answer.
timings = ""
local lines = {}
local started, asked = nil, nil
local build, answered = request, response

function request()
  local built = build()
  started, asked = ms(), turn
  return built
end

function response(status, headers, body)
  answered(status, headers, body)
  if started then
    lines[#lines + 1] = string.format("%d %.3f", asked, ms() - started)
    timings = table.concat(lines, "\n")
    started = nil
  end
end

local report, threads_seen, add_thread = done, {}, setup
function setup(thread)
  add_thread(thread)
  table.insert(threads_seen, thread)
end

local function percentile(sorted, p)
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, counts)
  report(summary, latency, counts)
  local by_line = {}
  for _, thread in ipairs(threads_seen) do
    for line, value in string.gmatch(thread:get("timings") or "", "(%d+) ([%d.]+)") do
      line = tonumber(line)
      local all = by_line[line] or {}
      all[#all + 1] = tonumber(value)
      by_line[line] = all
    end
  end
  local parts = {}
  for line = 1, #requests do
    local list = by_line[line]
    if list and #list > 0 then
      table.sort(list)
      parts[#parts + 1] = string.format('"%d": {"n": %d, "p50_ms": %.3f, "p95_ms": %.3f}', line, #list,
        percentile(list, 50), percentile(list, 95))
    end
  end
  local entry = string.format('{"phase": "%s", "name": "%s", "answers": {%s}}\n', os.getenv("WRK_PHASE") or "",
    os.getenv("WRK_NAME") or "", table.concat(parts, ", "))
  append_to("WRK_ANSWERS_REPORT", entry)
end
