-- Replays a list of requests once, spread over wrk's threads and connections, then stops.
--
-- The harness writes the list (bench/out/wrk_<name>.jobs, git-ignored: it holds bearer tokens)
-- and sets LOKET_JOBS to its path. One job per line, tab-separated:
--   METHOD <tab> PATH <tab> AUTHORIZATION-or-"-" <tab> IF-NONE-MATCH-or-"-" <tab> BODY-or-"-"
-- Thread k of n sends jobs k, k+n, k+2n, ... and counts the answers by status; done() prints
-- the counts as one "answers" line the harness reads. When a thread has all its answers it
-- writes LOKET_JOBS.done.<k> and stops; wrk itself sleeps out its -d, so the harness, seeing
-- every thread's file, ends it with SIGINT. A connection whose thread ran out of jobs sends a
-- spare request (DELETE on the GET-only availability path: a cheap JSON 405) that is not counted; wrk's
-- latency histogram includes them. A job still unanswered 11 s after the last was sent (wrk's
-- timeout is 10 s) is counted as status 0, "lost".
-- LOKET_DELAY_MS (optional): each connection waits this long before each request, which paces
-- the run (the harness's --rate: connections / delay = requests per second).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

function init(args)
   local nthreads = tonumber(os.getenv("LOKET_THREADS") or "1")
   jobs = {}
   local i = 0
   for line in io.lines(os.getenv("LOKET_JOBS")) do
      if i % nthreads == id then
         local f = split(line)
         local headers = { ["Content-Type"] = "application/json" }
         if f[3] ~= "-" then headers["Authorization"] = f[3] end
         if f[4] ~= "-" then headers["If-None-Match"] = f[4] end
         local body = nil
         if f[5] ~= "-" then body = f[5] end
         table.insert(jobs, wrk.format(f[1], f[2], headers, body))
      end
      i = i + 1
   end
   next_job = 1
   answered = 0
   statuses = {}
   spare = wrk.format("DELETE", "/api/v1/offices/XX/availability")
   finished = false
   sent_all_at = nil
end

local pause = tonumber(os.getenv("LOKET_DELAY_MS") or "0")

function delay()
   return pause
end

function request()
   if id == 0 and not verified then
      -- wrk calls request() once on thread 0 to check the script, and sends nothing: peek only.
      verified = true
      return jobs[1] or spare
   end
   if next_job <= #jobs then
      next_job = next_job + 1
      return jobs[next_job - 1]
   end
   sent_all_at = sent_all_at or os.time()
   return spare
end

local function finish()
   finished = true
   if answered < #jobs then
      statuses[0] = #jobs - answered -- lost: sent, but the connection failed before its answer
   end
   local flag = io.open(os.getenv("LOKET_JOBS") .. ".done." .. id, "w")
   flag:write("done\n")
   flag:close()
   wrk.thread:stop()
end

function response(status, headers, body)
   if finished then
      return
   end
   if status == 405 then
      -- A spare. Every job was sent; an answer still missing after wrk's timeout (10 s) is lost.
      if sent_all_at and os.time() - sent_all_at > 11 then
         finish()
      end
      return
   end
   if answered < #jobs then
      answered = answered + 1
      statuses[status] = (statuses[status] or 0) + 1
   end
   if answered >= #jobs then
      finish()
   end
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses")
      for status, n in pairs(counts) do
         totals[status] = (totals[status] or 0) + n
      end
   end
   local parts = {}
   for status, n in pairs(totals) do
      table.insert(parts, status .. "=" .. n)
   end
   io.write("answers " .. table.concat(parts, " ") .. "\n")
   io.write(string.format("percentiles p50=%.3f p90=%.3f p99=%.3f max=%.3f\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
