-- wrk script for benchmarks/webhooks.py: cycles through pre-signed Twilio status callbacks.
-- Usage: wrk -s benchmarks/webhooks_load.lua URL -- DATAFILE THREADS OFFSET
-- DATAFILE: one request per line, "path<TAB>signature<TAB>form body".
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  requests_list = {}
  for line in io.lines(args[1]) do
    local path, sig, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    table.insert(requests_list, wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = sig,
    }, body))
  end
  -- Thread k of n takes requests k, k+n, k+2n...: no two threads send the same callback.
  nthreads = tonumber(args[2])
  -- Each round starts at its own offset, so no callback is sent twice across rounds.
  index = tonumber(args[3] or "0") + id
  issued = 0
end

function request()
  local req = requests_list[((index - 1) % #requests_list) + 1]
  index = index + nthreads
  issued = issued + 1
  return req
end

function done(summary, latency, requests)
  local total_issued = 0
  for _, thread in ipairs(threads) do
    total_issued = total_issued + thread:get("issued")
  end
  io.write(string.format(
    '{"requests": %d, "issued": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, '
    .. '"timeouts": %d, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, total_issued, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
