-- Reserve one Activation: ARGV[1] the reservation's id, ARGV[2] the limit,
-- ARGV[3] '1' if this process has seen the budget in Redis before; the
-- candidate periods from ARGV[4]. Replies {outcome, candidate, used}.
--
-- The counter of a period is a hash: 'used', and a field per reservation
-- id ('1' taken, '0' refunded), so that a replay of the same reservation
-- counts once. The marker holds the label of the last period reserved in,
-- without expiry: a counter missing while the marker names its period, or
-- missing with no marker where this process saw one, means Redis lost the
-- budget (restarted empty, or evicted it). The marker then says 'lost', so
-- that every process refuses until AcknowledgeReset.
local i, expire, label = pick(4)
if not i then return {'clock', -1, 0} end
local key = KEYS[i]
local marker = redis.call('GET', KEYS[1])
if marker == 'lost' then return {'lost', i - 2, 0} end
if redis.call('EXISTS', key) == 1 then
  if redis.call('HEXISTS', key, ARGV[1]) == 1 then
    return {'ok', i - 2, tonumber(redis.call('HGET', key, 'used'))}
  end
elseif marker == label or (not marker and ARGV[3] == '1') then
  redis.call('SET', KEYS[1], 'lost')
  return {'lost', i - 2, 0}
end
local used = tonumber(redis.call('HGET', key, 'used') or '0')
if used + 1 > tonumber(ARGV[2]) then return {'full', i - 2, used} end
redis.call('HSET', key, 'used', used + 1, ARGV[1], '1')
if expire > 0 then redis.call('EXPIREAT', key, expire) end
if marker ~= label then redis.call('SET', KEYS[1], label) end
return {'ok', i - 2, used + 1}
