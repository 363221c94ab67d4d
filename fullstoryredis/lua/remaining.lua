-- What the current period has used; the candidate periods from ARGV[1].
-- Replies {outcome, candidate, used}; it writes nothing.
local i, _, label = pick(1)
if not i then return {'clock', -1, 0} end
local marker = redis.call('GET', KEYS[1])
if marker == 'lost' or (marker == label and redis.call('EXISTS', KEYS[i]) == 0) then
  return {'lost', i - 2, 0}
end
return {'ok', i - 2, tonumber(redis.call('HGET', KEYS[i], 'used') or '0')}
