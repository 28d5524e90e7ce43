-- transition_incident.lua: POST /api/v1/incidents/{id}/transitions with If-Match, moving
-- each incident new → in_progress and then between in_progress and pending_customer (the
-- SLA clock pauses and resumes, so every transition recomputes it). Incidents in another
-- state are left alone. See pool.lua for how each thread keeps its own incidents.
--
-- Environment: ORDO_TOKEN, ORDO_MIN_ID, ORDO_MAX_ID, ORDO_POOL (pool.lua).
--
--   ORDO_TOKEN=… ORDO_MIN_ID=1 ORDO_MAX_ID=5000 ORDO_POOL=64 \
--     wrk -t2 -c16 -d5s -s bench/wrk/transition_incident.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local next_state = {
   new = "in_progress",
   in_progress = "pending_customer",
   pending_customer = "in_progress",
}

function pool_request(id, entry, headers)
   local to = next_state[entry.status or ""]
   if to == nil then return nil end
   return "POST", "/api/v1/incidents/" .. id .. "/transitions", '{"to":"' .. to .. '"}'
end

dofile(here .. "pool.lua")
