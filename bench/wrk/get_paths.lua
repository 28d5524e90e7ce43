-- get_paths.lua: GET a random path from a file (one path per line), with a bearer token.
-- bench/run.sh writes the files: queue views (filters + sort by SLA due time) and full-text
-- searches over a large database.
--
-- Environment: ORDO_TOKEN (API token), ORDO_PATHS (file of paths such as
-- /api/v1/incidents?assignment_group=3&status.in=new,in_progress&sort=sla_due_at&limit=50).
--
--   ORDO_TOKEN=… ORDO_PATHS=queue.txt wrk -t2 -c16 -d5s -s bench/wrk/get_paths.lua http://127.0.0.1:8080
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local headers = { ["Authorization"] = "Bearer " .. required_env("ORDO_TOKEN") }
local paths = {}
for line in io.lines(required_env("ORDO_PATHS")) do
   if line ~= "" then table.insert(paths, line) end
end
if #paths == 0 then error("get_paths.lua: " .. os.getenv("ORDO_PATHS") .. " has no paths") end

function init(args)
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   return wrk.format("GET", paths[math.random(1, #paths)], headers)
end
