-- pool.lua: the shared half of the scripts that change existing incidents with If-Match
-- (update_incident.lua, transition_incident.lua). Loaded with dofile after report.lua.
--
-- Each wrk thread owns ORDO_POOL incidents of its own (thread t: ids ORDO_MIN_ID +
-- (t-1)*ORDO_POOL … + ORDO_POOL-1), so no two connections ever write the same incident and
-- a 412 means a real bug, not a race between the benchmark's own connections. An entry is
-- unknown (its version has to be read: GET), known (version and status from the last
-- response) or in flight. Responses are matched to entries by the "id" at the start of the
-- record the API returns; a response without one (an error) leaves its entry in flight, and
-- when every entry is in flight they all go back to unknown. After a 412 every entry not in
-- flight goes back to unknown.
--
-- The including script defines pool_request(entry, headers) returning method, path, body
-- for a known entry (or nil to skip it this turn).
--
-- Environment: ORDO_TOKEN, ORDO_MIN_ID, ORDO_MAX_ID (ids that exist), ORDO_POOL (entries per
-- thread, default 64), ORDO_POOL_FRESH (set: the incidents were never written since their
-- create, so each starts known at version 1 in status new, without a GET; a wrong guess
-- costs one 412 and a GET).

local token = required_env("ORDO_TOKEN")
local min_id = tonumber(required_env("ORDO_MIN_ID"))
local max_id = tonumber(required_env("ORDO_MAX_ID"))
local pool_size = tonumber(os.getenv("ORDO_POOL") or "64")
local fresh = (os.getenv("ORDO_POOL_FRESH") or "") ~= ""

local entries = {}   -- id -> {version=, status=, inflight=}
local order = {}     -- the ids, for round robin
local cursor = 0

local read_headers = { ["Authorization"] = "Bearer " .. token }

function init(args)
   local first = min_id + ((thread_id or 1) - 1) * pool_size
   local last = first + pool_size - 1
   if last > max_id then
      error(string.format("pool.lua: thread %d needs ids %d..%d but the highest is %d: create more incidents or lower ORDO_POOL",
                          thread_id or 1, first, last, max_id))
   end
   for id = first, last do
      if fresh then
         entries[id] = { inflight = false, version = 1, status = "new" }
      else
         entries[id] = { inflight = false }
      end
      table.insert(order, id)
   end
end

local counted_response = response  -- report.lua's

function response(status, headers, body)
   counted_response(status, headers, body)
   local id = tonumber(body:match('^{"id":(%d+)'))
   local e = id and entries[id]
   if e then
      e.inflight = false
      e.version = tonumber(body:match('"version":(%d+)'))
      e.status = body:match('"status":"([%w_]+)"')
   elseif status == 412 then
      -- Someone else wrote one of ours (a write of the previous run still committing, a
      -- timer): every version we hold may be stale, so read them again.
      for _, x in pairs(entries) do
         if not x.inflight then x.version = nil end
      end
   end
end

function request()
   for _ = 1, #order do
      cursor = cursor % #order + 1
      local id = order[cursor]
      local e = entries[id]
      if not e.inflight and not e.dead then
         local method, path, body
         if e.version == nil then
            method, path = "GET", "/api/v1/incidents/" .. id
            e.inflight = true
            return wrk.format(method, path, read_headers)
         end
         local headers = {
            ["Authorization"] = "Bearer " .. token,
            ["Content-Type"] = "application/json",
            ["If-Match"] = '"' .. e.version .. '"',
         }
         method, path, body = pool_request(id, e, headers)
         if method ~= nil then
            e.inflight = true
            return wrk.format(method, path, headers, body)
         end
         e.dead = true  -- nothing more to do with this one
      end
   end
   -- Everything in flight or finished: forget what we knew and read again.
   for _, e in pairs(entries) do
      e.inflight = false
      e.dead = false
      e.version = nil
   end
   local id = order[1]
   entries[id].inflight = true
   return wrk.format("GET", "/api/v1/incidents/" .. id, read_headers)
end
