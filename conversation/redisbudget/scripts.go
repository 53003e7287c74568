package redisbudget

import "github.com/redis/go-redis/v9"

// The budget's arithmetic runs in Redis, in Lua, on Redis's clock, so the
// machines' clocks need not agree. Times are seconds since 2017-01-01 (as
// go-redis/redis_rate kept them, in the same keys, so that processes of an
// older release share the buckets during an upgrade), written with
// microsecond precision.
//
// A bucket is a GCRA: its key holds the theoretical arrival time (TAT) of
// the next permit; with an emission interval T and a burst B, a permit
// taken now is due at max(TAT, now) + T - B×T, and taking it moves the TAT
// on by T. A permit can be reserved (taken with a due time in the future):
// each caller reserves its own, so no two callers wait for the same permit.

// common is the Lua shared by the scripts: the clock, the pause, the
// buckets and the in-flight slots.
const common = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = (tonumber(t[1]) - 1483228800) + tonumber(t[2]) / 1000000

local function fmt(x) return string.format('%.6f', x) end

-- pauseLeft is the pause in force, in ms. A pause key without a TTL was not
-- set by a Limiter (they always set one): it is dropped rather than stop
-- the fleet for ever; one longer than maxPause is cut to it.
local function pauseLeft(key, maxPause)
  local p = redis.call('PTTL', key)
  if p == -1 then
    redis.call('DEL', key)
    return 0
  end
  if p > maxPause then
    redis.call('PEXPIRE', key, maxPause)
    return maxPause
  end
  return math.max(p, 0)
end

-- load reads a bucket's TAT. A bucket key that is missing is full, the
-- first time a budget is used (known = 0: this process never saw it); when
-- this process has seen it (known > 0), Redis lost it (a restart without
-- persistence, a flush: lost is true) and the bucket is taken as spent, as
-- the service's own bucket would still be: no fresh burst. A value that is
-- not a TAT, or one further ahead than any reservation can reach (cap), is
-- a stray: the bucket is taken as spent.
local function load(key, known, T, B, cap)
  local v = redis.pcall('GET', key)
  if type(v) == 'table' and v.err then
    redis.call('DEL', key)
    v = false
  end
  local tat = v and tonumber(v)
  local lost = false
  if not tat or tat ~= tat then
    lost = not v and known > 0
    if v or known > 0 then tat = math.max(known, now + B * T) else tat = now end
  end
  if tat > now + B * T + cap then tat = now + B * T end
  return math.max(tat, now), lost
end

-- recover restores, after Redis lost the budget, what it lost besides the
-- buckets: the in-flight slots, which requests sent before the loss may
-- still hold, are held for lockTTL by a placeholder no owner can free (so
-- that no request is sent beside them), and the pause this process knew
-- of (pause ms) is set again.
local function recover(first, lockTTL, pauseKey, pause)
  for i = first, #KEYS do redis.call('SET', KEYS[i], 'lost', 'NX', 'PX', lockTTL) end
  if pause > 0 then redis.call('SET', pauseKey, '1', 'NX', 'PX', pause) end
end

-- lock takes a free in-flight slot (KEYS[first..]) for the owner token,
-- and returns its index from 0, or -1 and the shortest TTL among the
-- slots (ms; -1 when unknown). A slot without a TTL is a stray (a Limiter
-- always sets one): it is taken over; one with a TTL longer than lockTTL
-- is cut to it.
local function lock(first, token, lockTTL)
  lockTTL = tonumber(lockTTL)
  for i = first, #KEYS do
    if redis.call('SET', KEYS[i], token, 'NX', 'PX', lockTTL) then return i - first, 0 end
  end
  local m = -1
  for i = first, #KEYS do
    local p = redis.call('PTTL', KEYS[i])
    if p == -1 then
      redis.call('SET', KEYS[i], token, 'PX', lockTTL)
      return i - first, 0
    end
    if p > lockTTL then
      redis.call('PEXPIRE', KEYS[i], lockTTL)
      p = lockTTL
    end
    if p > 0 and (m < 0 or p < m) then m = p end
  end
  return -1, m
end

-- refund gives a reserved, unused permit back to a bucket.
local function refund(key, T)
  local tat = tonumber(redis.call('GET', key))
  if tat then redis.call('SET', key, fmt(math.max(tat - T, now))) end
end
`

// reserveScript reserves a permit from both buckets and, when it is due at
// once and no pause is in force, takes an in-flight slot: one round trip
// for the common case. It refuses, reserving nothing, a permit that would
// come later than bound.
//
// KEYS: pause, hour, day, slots... ARGV: token, lockTTL ms, bound ms,
// hour T s, hour B, day T s, day B, known hour TAT, known day TAT,
// maxPause ms, cap s, known pause ms (what this process knows is left).
//
// It returns {status, a, b, hourTAT, dayTAT, now, due}, due being when
// the permit is due (Redis time; the pause aside):
//   - {0, slot, 0}: granted, the slot taken;
//   - {1, wait ms, ttl}: reserved, due in wait ms (0: due now, but every
//     slot is taken, the shortest TTL ttl ms);
//   - {2, wait ms, paused}: refused, reserving nothing; paused is 1 when
//     the pause alone outlasts the bound.
var reserveScript = redis.NewScript(common + `
local bound, maxPause, cap = tonumber(ARGV[3]), tonumber(ARGV[10]), tonumber(ARGV[11])
local hT, hB, dT, dB = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local h, hLost = load(KEYS[2], tonumber(ARGV[8]), hT, hB, cap)
local d, dLost = load(KEYS[3], tonumber(ARGV[9]), dT, dB, cap)
if hLost or dLost then recover(4, tonumber(ARGV[2]), KEYS[1], math.min(tonumber(ARGV[12]), maxPause)) end
local p = pauseLeft(KEYS[1], maxPause)
if p > bound then return {2, p, 1, fmt(h), fmt(d), fmt(now), fmt(now)} end
local due = math.max(h + hT - hB * hT, d + dT - dB * dT, now)
local wait = math.max(math.ceil((due - now) * 1000 - 0.001), p)
if wait > bound then return {2, wait, 0, fmt(h), fmt(d), fmt(now), fmt(due)} end
h, d = h + hT, d + dT
redis.call('SET', KEYS[2], fmt(h))
redis.call('SET', KEYS[3], fmt(d))
if wait > 0 then return {1, wait, -1, fmt(h), fmt(d), fmt(now), fmt(due)} end
local slot, ttl = lock(4, ARGV[1], ARGV[2])
if slot >= 0 then return {0, slot, 0, fmt(h), fmt(d), fmt(now), fmt(due)} end
return {1, 0, ttl, fmt(h), fmt(d), fmt(now), fmt(due)}
`)

// lockScript takes an in-flight slot for a permit reserved earlier, once
// it is due and no pause is in force: a pause the caller cannot wait out
// (longer than bound) gives the permit back and refuses.
//
// KEYS: pause, hour, day, slots... ARGV: token, lockTTL ms, bound ms,
// hour T s, day T s, maxPause ms, due (Redis time).
//
// It returns {0, slot} when granted, {1, ttl} when every slot is taken
// (the shortest TTL in ms, -1 unknown), {2, pause ms} when refused for the
// pause, {3, ms} when the caller should wait out the pause, or for its
// permit, that long.
var lockScript = redis.NewScript(common + `
local p = pauseLeft(KEYS[1], tonumber(ARGV[6]))
if p > tonumber(ARGV[3]) then
  refund(KEYS[2], tonumber(ARGV[4]))
  refund(KEYS[3], tonumber(ARGV[5]))
  return {2, p}
end
local wait = math.max(math.ceil((tonumber(ARGV[7]) - now) * 1000 - 0.001), p)
if wait > 0 then return {3, wait} end
local slot, ttl = lock(4, ARGV[1], ARGV[2])
if slot >= 0 then return {0, slot} end
return {1, ttl}
`)

// cancelScript gives back a reserved permit its caller will not use.
// KEYS: hour, day. ARGV: hour T s, day T s.
var cancelScript = redis.NewScript(common + `
refund(KEYS[1], tonumber(ARGV[1]))
refund(KEYS[2], tonumber(ARGV[2]))
return 0
`)

// releaseScript ends a permit in one round trip: after a 429 it starts or
// extends the pause (never shortening one in force) and empties the
// bucket the service named, then frees the slot by compare-and-delete, so
// that a holder whose lock expired cannot free another's.
//
// KEYS: slot, pause, hour, day. ARGV: token, pause ms (-1: no 429), drain
// (0 none, 1 hour, 2 day), hour T s, hour B, day T s, day B.
var releaseScript = redis.NewScript(common + `
local pause = tonumber(ARGV[2])
if pause > 0 then
  local p = redis.call('PTTL', KEYS[2])
  if p < pause then redis.call('SET', KEYS[2], '1', 'PX', pause) end
end
local drain = tonumber(ARGV[3])
if drain > 0 then
  local key, T, B = KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  if drain == 2 then key, T, B = KEYS[4], tonumber(ARGV[6]), tonumber(ARGV[7]) end
  local tat = tonumber(redis.call('GET', key)) or now
  redis.call('SET', key, fmt(math.max(tat, now + B * T)))
end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`)

// renewScript extends a slot's TTL if the owner still holds it, or takes
// it back when Redis lost it (missing, or held by the placeholder that
// recover sets): the owner's request was in flight before the loss. It
// returns 1, or 0 when another owner holds the slot.
var renewScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if v == false or v == 'lost' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// resetScript fills the buckets (an explicit full TAT, not a missing key,
// which a process that saw the budget would take as spent) and drops the
// pause and the slots. KEYS: hour, day, pause, slots...
var resetScript = redis.NewScript(common + `
redis.call('SET', KEYS[1], fmt(now))
redis.call('SET', KEYS[2], fmt(now))
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return 0
`)
