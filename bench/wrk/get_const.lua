-- get_const.lua: a GET of "/", for the constant-handler baseline (bench_const_server).
-- It builds each request in Lua with a bearer-sized Authorization header, as
-- get_incident.lua does, and reports the same way, so the load generator does the same
-- work per request on both sides of the ratio.
--
--   wrk -t2 -c16 -d5s -s bench/wrk/get_const.lua http://127.0.0.1:PORT
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local headers = { ["Authorization"] = "Bearer " .. string.rep("0", 64) }

function init(args)
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   return wrk.format("GET", "/?id=" .. math.random(1, 100000), headers)
end
