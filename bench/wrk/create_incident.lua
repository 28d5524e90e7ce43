-- create_incident.lua: POST /api/v1/incidents with a bearer token, a new title each time
-- and impact/urgency varying over 1..3.
--
-- Environment: ORDO_TOKEN (API token), ORDO_SERVICE_ID, ORDO_CUSTOMER_ID (ids of an
-- existing service and organisation).
--
--   ORDO_TOKEN=… ORDO_SERVICE_ID=1 ORDO_CUSTOMER_ID=1 \
--     wrk -t2 -c16 -d5s -s bench/wrk/create_incident.lua http://127.0.0.1:8080
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local token = required_env("ORDO_TOKEN")
local service = tonumber(required_env("ORDO_SERVICE_ID"))
local customer = tonumber(required_env("ORDO_CUSTOMER_ID"))
local headers = {
   ["Authorization"] = "Bearer " .. token,
   ["Content-Type"] = "application/json",
}
local counter = 0

function init(args)
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   counter = counter + 1
   local body = string.format(
      '{"title":"Bench incident %d-%d","description":"Created by bench/wrk/create_incident.lua",' ..
      '"service":%d,"customer":%d,"impact":%d,"urgency":%d}',
      thread_id or 0, counter, service, customer, math.random(1, 3), math.random(1, 3))
   return wrk.format("POST", "/api/v1/incidents", headers, body)
end
