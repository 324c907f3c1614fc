-- wrk script for benchmarks/api.py: single PUT upserts of the lender API at a fixed rate.
-- Usage: wrk -s benchmarks/api_rate.lua URL -- DATAFILE THREADS RATE KEY
-- DATAFILE: one request per line, "path<TAB>JSON body". Each thread sends at RATE/THREADS per
-- second on its own schedule (slots), whatever the answers before: a request waits only for a
-- free connection, never for the previous answer (no coordinated omission).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  requests_list = {}
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Api-Key " .. args[4],
  }
  for line in io.lines(args[1]) do
    local path, body = line:match("^([^\t]*)\t(.*)$")
    table.insert(requests_list, wrk.format("PUT", path, headers, body))
  end
  nthreads = tonumber(args[2])
  index = id
  interval = 1000 * nthreads / tonumber(args[3])
  issued = 0
end

local reserved = 0

function delay()
  local now = now_ms()
  next_slot = (next_slot or now) + interval
  reserved = reserved + 1
  local wait = next_slot - now
  return wait > 0 and wait or 0
end

function request()
  if reserved > 0 then
    reserved = reserved - 1
  else
    local now = now_ms()
    next_slot = (next_slot or now) + interval
  end
  issued = issued + 1
  -- Thread k of n takes requests k, k+n, k+2n...: no two threads send the same one at once.
  local req = requests_list[((index - 1) % #requests_list) + 1]
  index = index + nthreads
  return req
end

function done(summary, latency, requests)
  local total_issued = 0
  for _, thread in ipairs(threads) do
    total_issued = total_issued + thread:get("issued")
  end
  io.write(string.format(
    '{"requests": %d, "issued": %d, "duration_us": %d, "non2xx": %d, '
    .. '"socket_errors": %d, "timeouts": %d, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, total_issued, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
