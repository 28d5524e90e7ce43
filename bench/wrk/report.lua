-- report.lua: the reporting half shared by every bench script (loaded with dofile by
-- create_incident.lua, get_incident.lua, get_paths.lua, update_incident.lua,
-- transition_incident.lua and get_const.lua), and their required_env().
--
-- Defines wrk's setup(), response() and done() hooks. response() counts responses by
-- status in each thread (wrk calls it only because it is defined, which costs a little
-- speed; every script pays the same, the baseline included). done() prints one line of
-- JSON that bench/run.sh reads:
--
--   {"requests":N,"duration_s":5.0,"requests_per_sec":…,"p50_ms":…,"p99_ms":…,
--    "mean_ms":…,"max_ms":…,"non_2xx":0,"status":{"201":N},"errors":{"connect":0,…}}
--
-- Each thread gets a global `thread_id` (1..threads) before its init() runs.

-- required_env(name): the variable's value; an error naming the calling script when unset.
function required_env(name)
   local v = os.getenv(name)
   if v == nil or v == "" then
      local script = (debug.getinfo(2, "S").source or ""):match("([^/]+)$") or "bench script"
      error(script .. ": set " .. name)
   end
   return v
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_id", #threads)
end

status_counts = {}

function response(status, headers, body)
   status_counts[status] = (status_counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local merged, non_2xx = {}, 0
   for _, t in ipairs(threads) do
      local counts = t:get("status_counts") or {}
      for status, n in pairs(counts) do
         merged[status] = (merged[status] or 0) + n
         if status < 200 or status > 299 then non_2xx = non_2xx + n end
      end
   end
   local status_parts = {}
   for status, n in pairs(merged) do
      table.insert(status_parts, string.format('"%d":%d', status, n))
   end
   table.sort(status_parts)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      '{"requests":%d,"duration_s":%.3f,"requests_per_sec":%.1f,' ..
      '"p50_ms":%.3f,"p99_ms":%.3f,"mean_ms":%.3f,"max_ms":%.3f,' ..
      '"non_2xx":%d,"status":{%s},' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
      summary.requests, seconds, seconds > 0 and summary.requests / seconds or 0,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.mean / 1000, latency.max / 1000,
      non_2xx, table.concat(status_parts, ","),
      e.connect, e.read, e.write, e.timeout, e.status))
end
