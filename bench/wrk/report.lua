-- Counts every answer outside 200-299 and appends one JSON line per run to
-- $WRK_REPORT: requests/s, p50, p95 and p99 latency, non-2xx, socket errors.
-- wrk's own "Non-2xx or 3xx" line would let redirects pass.

local threads = {}

-- WRK_THINK_MS: each connection waits about this long (at random, exponentially: visitors arriving
-- independently) after an answer before it asks again; unset or 0, it asks again at once (a saturating
-- closed loop). A script may define its own delay() after this file.
math.randomseed(os.time() * 1000 + #(os.getenv("WRK_NAME") or "") * 7919)
local think = tonumber(os.getenv("WRK_THINK_MS") or "0")
if think > 0 then
   function delay()
      return math.floor(-think * math.log(1 - math.random()) + 0.5)
   end
end

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non2xx = 0
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non2xx")
   end
   local e = summary.errors
   local line = string.format(
      '{"phase": "%s", "name": "%s", "path": "%s", "requests": %d, "seconds": %.3f, "rps": %.2f, '
         .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "non2xx": %d, "socket_errors": %d, "bytes": %d, "think_ms": %d, "load": %s}\n',
      os.getenv("WRK_PHASE") or "", os.getenv("WRK_NAME") or "", os.getenv("WRK_PATH") or "",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      bad, e.connect + e.read + e.write + e.timeout, tonumber(os.getenv("WRK_BYTES") or "0"), think, os.getenv("WRK_LOAD") or "null")
   io.write(line)
   append_to("WRK_REPORT", line)
end

-- Appends `line` to the file the environment variable `name` names, if it is set (scripts that load this one too).
function append_to(name, line)
   local path = os.getenv(name)
   if path then
      local file = assert(io.open(path, "a"))
      file:write(line)
      file:close()
   end
end
