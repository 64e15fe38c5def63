-- wrk script: POST pre-signed OneBot events, each body once (distinct message_id).
-- wrk -t T -c C -d D -s bench/bodies.lua URL -- <bodies file> <first line> <lines> <threads> <stop|wrap>
-- Thread k sends lines first+k, first+k+T, ...; with "stop" a thread stops once its share is answered,
-- (the first thread done ends the process: use -t 1 for exact counts);
-- with "wrap" it starts again (and counts the wrap so the report can say that ids repeated).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, first, lines, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  stop_at_end = args[5] == "stop"
  sigs, bodies, n, idx, answered, wraps = {}, {}, 0, 0, 0, 0
  local i = 0
  for line in io.lines(file) do
    if i >= first + lines then break end
    if i >= first and (i - first) % nthreads == tid then
      local tab = line:find("\t", 1, true)
      n = n + 1
      sigs[n] = line:sub(1, tab - 1)
      bodies[n] = line:sub(tab + 1)
    end
    i = i + 1
  end
  if n == 0 then error("no bodies for thread " .. tid) end
end

function request()
  idx = idx + 1
  if idx > n then
    idx = 1
    wraps = wraps + 1
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Self-ID"] = "10001",
                                  ["X-Signature"] = sigs[idx]}, bodies[idx])
end

if os.getenv("BENCH_WRK_STOP") == "1" then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= n then
      -- wrk would sleep out the whole -d duration after thread:stop(); this run is counted, not timed
      io.write(string.format('WRKJSON {"requests":%d,"duration_us":1,"bytes":0,"p50_us":0,"p90_us":0,' ..
        '"p99_us":0,"max_us":0,"mean_us":0,"connect":0,"read":0,"write":0,"status":0,"timeout":0,"wraps":0}\n',
        answered))
      io.flush()
      os.exit(0)
    end
  end
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do w = w + (t:get("wraps") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"wraps":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, w))
end
