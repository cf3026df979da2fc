-- The broker of bench/release.py: its accounts hammer join, waiting and booking as fast as the
-- server answers, from the release instant, until each has a seat (or wrk's -d runs out).
--
-- The harness writes the accounts (bench/out/wrk_broker.accounts, git-ignored: bearer tokens)
-- and sets LOKET_ACCOUNTS to its path, one account a line, tab-separated:
--   TOKEN <tab> TICKET-or-"-"
-- and LOKET_THREADS, LOKET_OFFICE, LOKET_DATE. With a ticket (the waiting room is on) an account
-- cycles join -> waiting (reads the pass from the answer) -> booking with X-Loket-Pass; without
-- one (first come, first served) it only books. Thread k of n drives accounts k, k+n, ...
-- over ONE connection (run wrk with -c equal to -t): answers then come back in the order the
-- requests went, so each answer belongs to the request just sent. A thread whose accounts all
-- have a seat writes LOKET_ACCOUNTS.done.<k> and stops; the harness ends wrk with SIGINT.
-- done() prints "answers <status>=<n> ..." and "percentiles ..." lines the harness reads.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   local nthreads = tonumber(os.getenv("LOKET_THREADS") or "1")
   local office, date = os.getenv("LOKET_OFFICE"), os.getenv("LOKET_DATE")
   join_path = "/api/v1/offices/" .. office .. "/releases/" .. date .. "/join"
   booking_body = '{"office":"' .. office .. '","date":"' .. date ..
      '","start":"08:00","service":"new","passport_type":"regular"}'
   accounts = {}
   local i = 0
   for line in io.lines(os.getenv("LOKET_ACCOUNTS")) do
      if i % nthreads == id then
         local token, ticket = line:match("^([^\t]+)\t([^\t]+)$")
         table.insert(accounts, { auth = "Bearer " .. token, ticket = ticket ~= "-" and ticket or nil })
      end
      i = i + 1
   end
   current, step, left = 1, "join", #accounts
   statuses = {}
   finished = false
end

local function step_request(account)
   local headers = { ["Authorization"] = account.auth, ["Content-Type"] = "application/json" }
   if step == "join" then
      return wrk.format("POST", join_path, headers, "{}")
   elseif step == "wait" then
      return wrk.format("GET", "/api/v1/waiting/" .. account.ticket, headers)
   end
   if account.pass then
      headers["X-Loket-Pass"] = account.pass
   end
   return wrk.format("POST", "/api/v1/bookings", headers, booking_body)
end

function request()
   if id == 0 and not verified then
      -- wrk calls request() once on thread 0 to check the script, and sends nothing: peek only.
      verified = true
      return step_request(accounts[1] or { auth = "-" })
   end
   local account = accounts[current]
   if account.ticket == nil then
      step = "book"
   end
   return step_request(account)
end

local function finish()
   finished = true
   local flag = io.open(os.getenv("LOKET_ACCOUNTS") .. ".done." .. id, "w")
   flag:write("done\n")
   flag:close()
   wrk.thread:stop()
end

local function next_account()
   for _ = 1, #accounts do
      current = current % #accounts + 1
      if not accounts[current].done then
         step = "join"
         return
      end
   end
end

function response(status, headers, body)
   if finished or #accounts == 0 then
      return
   end
   statuses[status] = (statuses[status] or 0) + 1
   local account = accounts[current]
   if step == "join" then
      step = "wait"
   elseif step == "wait" then
      if status == 200 then
         account.pass = body:match('"pass":"([^"]+)"')
      end
      step = "book"
   else
      if status == 200 or status == 201 then
         account.done = true
         left = left - 1
         if left == 0 then
            finish()
            return
         end
      end
      next_account()
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
