-- Start counting again after a loss: the current period has spent ARGV[1]
-- Activations; the candidate periods from ARGV[2]. Replies {outcome,
-- candidate}.
local i, expire, label = pick(2)
if not i then return {'clock', -1} end
redis.call('HSET', KEYS[i], 'used', ARGV[1])
if expire > 0 then redis.call('EXPIREAT', KEYS[i], expire) end
redis.call('SET', KEYS[1], label)
return {'ok', i - 2}
