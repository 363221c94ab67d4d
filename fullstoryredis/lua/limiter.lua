-- One attempt's turn in the pacing that every Client on KEYS[1] shares,
-- and what they learn from the 429s they met. Redis's clock (TIME) for
-- all. ARGV: [1] the caller's ticket (0: none yet; -1: only report);
-- [2] the longest the caller may still wait, µs (-1: no limit); [3] the
-- 429s it met since its last call; [4] a pause every Client must keep,
-- until µs of Redis's clock, from a long Retry-After (0: none); [5] the
-- ceiling, attempts/s (0: none); [6] how long the state lives unused, ms;
-- [7..] when each of the 429s it met was sent, µs of Redis's clock (the
-- latest 64 at most). Replies
-- {ticket, wait µs (0: go now; -1: longer than the caller may wait, no
-- ticket taken), Redis's time µs, rate ×1000}.
--
-- The pacing is a queue served at rate r: each waiting attempt holds a
-- ticket, and 'served' advances by r a second while tickets wait, so a
-- change of r moves every waiting attempt at once. Bursts are allowed only
-- while nothing is learned yet.
--
-- Every 429 marks a moment when the account had nothing left: the
-- attempts accepted between two marks, over the time callers waited
-- between them, measure the account's rate; r starts again just under it
-- and a cubic brings it back up to the plateau W, a hair under it, then
-- probes above, the more slowly the surer the measures agree ('c'). The
-- measure is exact when the account refused many in between, or when the
-- window is short; in a long window with few refused, the account's
-- bucket may have filled and overflowed, so the measure is low, and the
-- rate at the 429 (above the account's) is averaged in. When the last mark
-- is too recent to measure, r is cut by a share and rises gently until it
-- can be ('p'). A 429 is news only if it answers an attempt sent after the
-- last change of r ('hold'), and one alone may be an attempt the machine
-- held up: it takes two, except the very first. Before that first 429, r
-- grows fast while callers wait ('s').
local START_RATE, START_BURST, START_GROWTH = 50, 5, 4.46 -- /s, attempts, ×1.25 per 50ms
local PROBE_GROWTH = 1.9 -- ×1.1 per 50ms, from a cut until a measure
local MARGIN, PLATEAU = 0.97, 0.99 -- of a measure: where r starts, where the cubic levels off
local BETA_FIRST, BETA = 0.5, 0.9
local SATURATED = 0.1    -- this share refused between two marks: the account set the pace
local C_FIRST = 0.1      -- the cubic's shape after the first measure: 0.6s back to W, 1.2s to 1.02W, 1.6s to 1.1W
local C = 0.01           -- after one more than 4% from the last: 1.3s back, 2.7s to 1.03W, 4.1s to 1.22W
local C_SURE = 0.002     -- after one within 4% of the last: 2.2s back, 4.3s to 1.02W, 6.8s to 1.2W
local MIN_WINDOW = 0.1   -- s of waiting callers: a shorter window is not measured
local MIN_ACCEPTED = 5   -- nor one in which fewer were accepted
local MAX_CUT = 0.5      -- a measure cuts r to no less than this share
local LONG_WINDOW = 1    -- s: in a longer one, the account's bucket may have overflowed
local MIN_RATE = 1       -- attempts/s
local STRETCH_RATE = 80  -- below it the probe's clock runs slower in proportion
local SLACK = 40000      -- µs: attempts let go before a change may be sent this much later (Wait's last leg)

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ticket, maxWait, n429 = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local pause, ceiling, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

local f = {'r', 'served', 'q', 'st', 'W', 'K', 'tau', 'hold', 'n429', 'mt', 'mE', 'w429', 'f429', 'busy', 'm', 'last', 'sure', 'mopen', 'ph'}
local s = redis.call('HMGET', KEYS[1], unpack(f))
local v = {}
if s[1] then
  for i = 1, #f - 1 do v[f[i]] = tonumber(s[i]) end
  v.ph = s[#f]
else -- nothing learned yet
  v = {r = START_RATE, served = START_BURST, q = 0, st = now, W = START_RATE, K = 0, tau = 0, hold = 0,
       n429 = 0, mt = 0, mE = 0, w429 = 0, f429 = 0, busy = 0, m = 0, last = 0, sure = 0, mopen = 0, ph = 's'}
end

-- the cubic's shape: how sure the last measure is
local function shape(m, sure)
  if m <= 1 then return C_FIRST end
  if sure == 1 then return C_SURE end
  return C
end

local function cap(x)
  x = math.max(x, MIN_RATE)
  if ceiling > 0 then x = math.min(x, ceiling) end
  return x
end
v.r = cap(v.r)

-- Serve the queue up to now; a pause stops it until then.
if pause > now and pause > v.st then
  v.st = pause
  v.served = math.min(v.served, v.q) -- no burst either
end
local dt = math.max(0, now - v.st) / 1e6
if dt > 0 then
  local waiting = v.q > v.served
  local burst = 1
  if v.ph == 's' then burst = START_BURST end
  v.served = math.min(v.served + v.r * dt, v.q + burst)
  v.st = now
  if waiting then
    -- callers waited: demand is above the pace, so probe upward
    v.tau = v.tau + dt
    v.busy = v.busy + dt
    local nr
    if v.ph == 's' then
      nr = v.W * math.exp(START_GROWTH * v.tau)
    elseif v.ph == 'p' then
      nr = v.W * math.exp(PROBE_GROWTH * v.tau)
    else
      local x = v.tau / math.max(1, STRETCH_RATE / v.W) - v.K
      nr = v.W * (1 + shape(v.m, v.sure) * x * x * x)
    end
    nr = cap(nr)
    if nr > v.r then v.r = nr end
  end
end

-- Learn from the 429s reported. Those of attempts sent after the last
-- change are news: f429 counts them since that change, w429 since the
-- mark. One alone may be an attempt that the machine held up past the
-- change; it takes two to act, except for the very first 429.
v.n429 = v.n429 + n429
-- A mark's window opens once the attempts let go before it have been
-- sent: they spend the account's tokens but are not the window's.
if v.mopen > 0 and now >= v.mopen then
  v.mt, v.mE, v.w429, v.busy, v.mopen = now, math.min(v.served, v.q), 0, 0, 0
end
for i = 7, #ARGV do
  if tonumber(ARGV[i]) > v.hold then
    v.f429 = v.f429 + 1
    if v.mt > 0 then v.w429 = v.w429 + 1 end
  end
end
if v.f429 >= 2 or (v.f429 >= 1 and v.mt == 0) then
  local sent = math.min(v.served, v.q)
  local tried = sent - v.mE
  local saturated = v.w429 >= 2 and v.w429 >= SATURATED * tried
  if v.mt > 0 and v.mopen == 0 and v.busy >= MIN_WINDOW and tried - v.w429 >= MIN_ACCEPTED then
    -- at most halved at once: a count gone wrong must not stall the fleet
    local measured = math.max((tried - v.w429) / v.busy, v.r * MAX_CUT)
    if v.busy >= LONG_WINDOW and not saturated then
      -- the account's bucket may have filled and overflowed meanwhile, so
      -- measured is low; the rate at this 429 is above the account's
      measured = math.sqrt(math.max(measured, MIN_RATE) * v.r)
    end
    v.sure = 0
    if v.m > 0 and math.abs(measured - v.last) <= 0.04 * v.last then v.sure = 1 end
    v.W = cap(measured * PLATEAU)
    v.r = cap(measured * MARGIN)
    v.m, v.last = v.m + 1, measured
    v.K = ((1 - MARGIN / PLATEAU) / shape(v.m, v.sure)) ^ (1 / 3)
    v.mopen = now + SLACK
    v.ph = 'c'
  else
    local beta = BETA
    if v.ph == 's' then beta = BETA_FIRST end
    v.r = cap(v.r * beta)
    v.W, v.K = v.r, 0
    if v.mt == 0 then v.mt, v.mopen = now, now + SLACK end
    v.ph = 'p'
  end
  v.tau, v.f429 = 0, 0
  v.hold = now + SLACK
end

-- The caller's turn.
local wait = 0
if ticket >= 0 then
  local fromNow = false
  if ticket == 0 then
    ticket = v.q + 1
    fromNow = true
  end
  if ticket > v.served then
    wait = math.ceil((ticket - v.served) / v.r * 1e6)
    if v.st > now then wait = wait + (v.st - now) end
  end
  if maxWait >= 0 and wait > maxWait then
    wait = -1
    if fromNow then ticket = 0 end
  elseif fromNow then
    v.q = ticket
  end
end

local args = {}
for i = 1, #f do args[#args + 1] = f[i]; args[#args + 1] = v[f[i]] end
redis.call('HSET', KEYS[1], unpack(args))
redis.call('PEXPIRE', KEYS[1], ttl)
return {ticket, wait, now, math.floor(v.r * 1000)}
