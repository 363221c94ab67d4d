-- Refund the reservation ARGV[1] to the period counter KEYS[1] it was
-- taken from. A second refund, or one to a counter gone, changes nothing.
-- Replies 1 if it gave the Activation back.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= '1' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], '0')
redis.call('HINCRBY', KEYS[1], 'used', -1)
return 1
