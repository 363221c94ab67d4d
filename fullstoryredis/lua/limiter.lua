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
-- between them, measure the account's rate, and r is set just under it.
-- The measure is exact when the account refused many in between, or when
-- the window is short; in a long window with few refused, the account's
-- bucket may have filled and overflowed, so the measure is low, and the
-- rate at the 429 (above the account's) is averaged in. When the last mark
-- is too recent to measure, r is cut by a share. A 429 counts only if it
-- answers an attempt sent after the last change of r ('hold'). While callers wait, r grows: fast before the first 429
-- (phase 's'), gently from a cut until a 429 can be measured ('p'), then
-- along a cubic that stays near the measured rate W for seconds and probes
-- above it the longer no 429 comes ('c').
local START_RATE, START_BURST, START_GROWTH = 50, 5, 4.46 -- /s, attempts, ×1.25 per 50ms
local PROBE_GROWTH = 1.9 -- ×1.1 per 50ms, from a cut until a measure
local MARGIN, BETA_FIRST, BETA = 0.97, 0.5, 0.9
local SATURATED = 0.1    -- this share refused between two marks: the account set the pace
local C = 0.01           -- the cubic's shape: K = 1.4s back to W, 2.9s to 1.03W
local MIN_WINDOW = 0.1   -- s of waiting callers: a shorter window is not measured
local LONG_WINDOW = 1    -- s: in a longer one, the account's bucket may have overflowed
local MIN_RATE = 1       -- attempts/s
local STRETCH_RATE = 80  -- below it the probe's clock runs slower in proportion
local SLACK = 25000      -- µs: attempts let go before a change may be sent this much later (Wait's last leg)

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ticket, maxWait, n429 = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local pause, ceiling, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

local f = {'r', 'served', 'q', 'st', 'W', 'K', 'tau', 'hold', 'n429', 'mt', 'mE', 'w429', 'busy', 'ph'}
local s = redis.call('HMGET', KEYS[1], unpack(f))
local v = {}
if s[1] then
  for i = 1, #f - 1 do v[f[i]] = tonumber(s[i]) end
  v.ph = s[#f]
else -- nothing learned yet
  v = {r = START_RATE, served = START_BURST, q = 0, st = now, W = START_RATE, K = 0, tau = 0, hold = 0,
       n429 = 0, mt = 0, mE = 0, w429 = 0, busy = 0, ph = 's'}
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
      nr = v.W * (1 + C * x * x * x)
    end
    nr = cap(nr)
    if nr > v.r then v.r = nr end
  end
end

-- Learn from the 429s reported: w429 counts those of attempts sent after
-- the last change (the mark's, or a cut's since).
v.n429 = v.n429 + n429
local fresh = 0
for i = 7, #ARGV do
  local sent = tonumber(ARGV[i])
  if v.mt > 0 and sent > v.hold then v.w429 = v.w429 + 1 end
  fresh = math.max(fresh, sent)
end
if fresh > v.hold then
  local sent = math.min(v.served, v.q)
  local tried = sent - v.mE
  if v.mt > 0 and v.busy >= MIN_WINDOW and tried > 0 then
    local measured = (tried - v.w429) / v.busy
    if v.busy >= LONG_WINDOW and (v.w429 < 2 or v.w429 < SATURATED * tried) then
      -- the account's bucket may have filled and overflowed meanwhile, so
      -- measured is low; the rate at this 429 is above the account's
      measured = math.sqrt(math.max(measured, MIN_RATE) * v.r)
    end
    v.W = cap(measured)
    v.r = cap(v.W * MARGIN)
    v.K = ((1 - MARGIN) / C) ^ (1 / 3)
    v.mt, v.mE, v.w429, v.busy = now, sent, 0, 0
    v.ph = 'c'
  else
    local beta = BETA
    if v.ph == 's' then beta = BETA_FIRST end
    v.r = cap(v.r * beta)
    v.W, v.K = v.r, 0
    if v.mt == 0 then v.mt, v.mE, v.w429, v.busy = now, sent, 0, 0 end
    v.ph = 'p'
  end
  v.tau = 0
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
