-- The period that Redis's clock is in, among the candidates the client
-- passed: the periods before, at and after its own clock's, so that the
-- whole fleet counts by one clock and every key is still named in KEYS.
-- KEYS[1] is the budget's marker, KEYS[2..] the candidates' counters;
-- ARGV holds four values per candidate from ARGV[first]: its start and end
-- (Unix seconds, end 0: never), when its counter expires (0: never) and its
-- label. Returns the counter's index in KEYS, its expiry and its label.
local function pick(first)
  local now = tonumber(redis.call('TIME')[1])
  for i = 2, #KEYS do
    local a = first + (i - 2) * 4
    local s, e = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    if now >= s and (e == 0 or now < e) then
      return i, tonumber(ARGV[a + 2]), ARGV[a + 3]
    end
  end
  return nil
end
