-- update_incident.lua: PATCH /api/v1/incidents/{id} with If-Match (the version read from
-- the previous response), changing the description — what an agent's edit does: a new
-- version, a history event, the full-text index updated. See pool.lua for how each thread
-- keeps its own incidents and their versions.
--
-- Environment: ORDO_TOKEN, ORDO_MIN_ID, ORDO_MAX_ID, ORDO_POOL (pool.lua).
--
--   ORDO_TOKEN=… ORDO_MIN_ID=1 ORDO_MAX_ID=5000 ORDO_POOL=64 \
--     wrk -t2 -c16 -d5s -s bench/wrk/update_incident.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local edits = 0

function pool_request(id, entry, headers)
   edits = edits + 1
   local body = string.format('{"description":"Edited by bench/wrk/update_incident.lua (%d-%d): the user reports the printer queue stalls again"}',
                              thread_id or 0, edits)
   return "PATCH", "/api/v1/incidents/" .. id, body
end

dofile(here .. "pool.lua")
