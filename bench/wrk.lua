-- wrk script of the benchmark: cycles through the requests of a spec file and
-- prints the results as one JSON line. Run by bench/wrk.py as
--   wrk -t1 -c8 -d10s -s bench/wrk.lua -H 'Authorization: Token ...' http://127.0.0.1:8105 -- SPEC
-- SPEC has one request per line, METHOD<TAB>PATH<TAB>BODY (BODY may be empty);
-- headers come from wrk's -H options. With one thread the order is the file's,
-- so a spec can alternate states (open, pending, open, ...) safely.

local requests = {}
local i = 0

function init(args)
   local spec = assert(io.open(args[1], "r"))
   for line in spec:lines() do
      local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
      if method then
         if body == "" then body = nil end
         requests[#requests + 1] = wrk.format(method, path, nil, body)
      end
   end
   spec:close()
   assert(#requests > 0, "empty spec " .. args[1])
   -- wrk calls request() once before the run to inspect what it returns, and
   -- never sends that one: start one back, so the run starts at the first line.
   i = #requests - 1
end

function request()
   i = i % #requests + 1
   return requests[i]
end

function done(summary, latency, _)
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
      '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
      '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
      e.status, e.timeout, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.mean, latency.max))
end
