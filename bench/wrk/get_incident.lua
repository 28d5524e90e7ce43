-- get_incident.lua: GET /api/v1/incidents/{id} for a random id in 1..ORDO_MAX_ID, with a
-- bearer token.
--
-- Environment: ORDO_TOKEN (API token), ORDO_MAX_ID (highest incident id that exists).
--
--   ORDO_TOKEN=… ORDO_MAX_ID=5000 wrk -t2 -c16 -d5s -s bench/wrk/get_incident.lua http://127.0.0.1:8080
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local headers = { ["Authorization"] = "Bearer " .. required_env("ORDO_TOKEN") }
local max_id = tonumber(required_env("ORDO_MAX_ID"))

function init(args)
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   return wrk.format("GET", "/api/v1/incidents/" .. math.random(1, max_id), headers)
end
