//! The Lua scripts the shared frontier runs on the server: each one is atomic there, so two
//! workers can never take the same request, nor the same slot of a host's pace.
//!
//! Layout of one crawl's keys (prefix `khabar:g{N}:`):
//! - `seen`: set of URL fingerprints (16 hex digits);
//! - `q:{lane} {host}`: list of waiting requests, oldest first, each `url\tkind\tdepth\tredirects`;
//! - `waiting`: hash `{lane} {host}` → requests in that list;
//! - `leased`: hash url → `worker\n{lane} {host}\nrequest`, the requests workers hold;
//! - `leases:{worker}`: set of the URLs that worker holds;
//! - `workers`: set of the workers of this crawl; `pages`: pages dispatched.
//!
//! Lasting keys: `khabar:gen` (the crawl's number), `khabar:worker:{id}` (a worker's
//! heartbeat, which expires when it dies), `khabar:pace:{host}` and `khabar:hold:{host}`.

use std::sync::OnceLock;

/// Joins the current crawl, or starts the next one when the current one is over (nothing
/// waiting, nothing held, no live worker). ARGV: prefix, worker id, heartbeat ms.
/// Returns `{generation, joined}` (joined: 1 when the crawl was under way).
const JOIN: &str = r#"
local p, me, ttl = ARGV[1], ARGV[2], ARGV[3]
local gen = tonumber(redis.call('GET', p .. 'gen') or '0')
local under_way = false
if gen > 0 then
  local g = p .. 'g' .. gen .. ':'
  for _, w in ipairs(redis.call('SMEMBERS', g .. 'workers')) do
    if redis.call('EXISTS', p .. 'worker:' .. w) == 1 then under_way = true end
  end
  if redis.call('HLEN', g .. 'leased') > 0 then under_way = true end
  for _, n in ipairs(redis.call('HVALS', g .. 'waiting')) do
    if tonumber(n) > 0 then under_way = true end
  end
  if not under_way then
    for _, f in ipairs(redis.call('HKEYS', g .. 'waiting')) do redis.call('DEL', g .. 'q:' .. f) end
    for _, w in ipairs(redis.call('SMEMBERS', g .. 'workers')) do redis.call('DEL', g .. 'leases:' .. w) end
    redis.call('DEL', g .. 'seen', g .. 'waiting', g .. 'leased', g .. 'workers', g .. 'pages')
  end
end
if not under_way then gen = redis.call('INCR', p .. 'gen') end
redis.call('SADD', p .. 'g' .. gen .. ':workers', me)
redis.call('SET', p .. 'worker:' .. me, gen, 'PX', ttl)
return {gen, under_way and 1 or 0}
"#;

/// Marks a URL seen and, when it is new and a request is given, queues it.
/// ARGV: crawl prefix, fingerprint, `{lane} {host}`, request ('' to only mark it seen).
/// Returns 1 when the URL was new.
const ADD: &str = r#"
local g, fp, field, req = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('SADD', g .. 'seen', fp) == 0 then return 0 end
if req ~= '' then
  redis.call('RPUSH', g .. 'q:' .. field, req)
  redis.call('HINCRBY', g .. 'waiting', field, 1)
end
return 1
"#;

/// Takes up to n waiting requests of one lane of one host on a lease to a worker. An entry
/// longer than the worker takes is dropped here and reported as `\0` and its length.
/// ARGV: crawl prefix, `{lane} {host}`, n, worker id, longest entry. Returns the requests.
const TAKE: &str = r#"
local g, field, n, me, maxlen = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local got = {}
local popped = 0
for i = 1, n do
  local req = redis.call('LPOP', g .. 'q:' .. field)
  if not req then break end
  popped = popped + 1
  if #req > maxlen then
    got[#got + 1] = '\0' .. #req
  else
    local url = string.match(req, '^[^\t]*')
    redis.call('HSET', g .. 'leased', url, me .. '\n' .. field .. '\n' .. req)
    redis.call('SADD', g .. 'leases:' .. me, url)
    got[#got + 1] = req
  end
end
if popped > 0 then
  if redis.call('HINCRBY', g .. 'waiting', field, -popped) <= 0 then
    redis.call('HDEL', g .. 'waiting', field)
  end
end
return got
"#;

/// A request is done: its lease is dropped, but only if this worker still holds it (one
/// taken for dead after a stall may finish a request another worker has taken since; that
/// worker's lease must stay). ARGV: crawl prefix, url, worker id.
const DONE: &str = r#"
local g, url, me = ARGV[1], ARGV[2], ARGV[3]
local held = redis.call('HGET', g .. 'leased', url)
if held and string.sub(held, 1, #me + 1) == me .. '\n' then
  redis.call('HDEL', g .. 'leased', url)
end
redis.call('SREM', g .. 'leases:' .. me, url)
return 0
"#;

/// Gives back what workers hold: every worker's whose heartbeat expired (ARGV[3] = ''), or
/// one worker's that leaves (ARGV[3] = its id; it is also struck off). Requests go back to
/// the head of their lists (ahead of what waits, in no particular order among themselves). ARGV: prefix, crawl prefix, worker or ''. Returns how many.
const GIVE_BACK: &str = r#"
local p, g, leaving = ARGV[1], ARGV[2], ARGV[3]
local back = 0
local function give_back(w)
  for _, url in ipairs(redis.call('SMEMBERS', g .. 'leases:' .. w)) do
    local held = redis.call('HGET', g .. 'leased', url)
    if held then
      local holder, field, req = string.match(held, '^([^\n]*)\n([^\n]*)\n(.*)$')
      if holder == w then
        redis.call('LPUSH', g .. 'q:' .. field, req)
        redis.call('HINCRBY', g .. 'waiting', field, 1)
        redis.call('HDEL', g .. 'leased', url)
        back = back + 1
      end
    end
  end
  redis.call('DEL', g .. 'leases:' .. w)
  redis.call('SREM', g .. 'workers', w)
end
if leaving ~= '' then
  give_back(leaving)
  redis.call('DEL', p .. 'worker:' .. leaving)
else
  for _, w in ipairs(redis.call('SMEMBERS', g .. 'workers')) do
    if redis.call('EXISTS', p .. 'worker:' .. w) == 0 then give_back(w) end
  end
end
return back
"#;

/// Takes a slot of a host's pace (the generic cell rate algorithm on the server's clock,
/// so that workers on machines whose clocks differ share one pace), unless the host is
/// held. KEYS: pace key, hold key. ARGV: interval µs, tolerance µs (0, 0: no pace, only
/// the hold). Returns 0 (go) or the µs to wait.
const PACE: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local held = redis.call('PTTL', KEYS[2])
if held > 0 then return held * 1000 end
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
if interval <= 0 then return 0 end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allow_at = tat - tolerance
if now < allow_at then return math.ceil(allow_at - now) end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
"#;

/// Holds a host for every worker: a key that expires, only ever lengthened.
/// KEYS: hold key. ARGV: ms.
const HOLD: &str = r#"
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], 1, 'PX', ms) end
return 0
"#;

/// The scripts, each hashed once.
pub(super) struct Scripts {
    /// See [`JOIN`].
    pub join: redis::Script,
    /// See [`ADD`].
    pub add: redis::Script,
    /// See [`TAKE`].
    pub take: redis::Script,
    /// See [`DONE`].
    pub done: redis::Script,
    /// See [`GIVE_BACK`].
    pub give_back: redis::Script,
    /// See [`PACE`].
    pub pace: redis::Script,
    /// See [`HOLD`].
    pub hold: redis::Script,
}

/// The scripts (the client loads each on the server on first use: EVALSHA, then EVAL).
pub(super) fn scripts() -> &'static Scripts {
    static SCRIPTS: OnceLock<Scripts> = OnceLock::new();
    SCRIPTS.get_or_init(|| Scripts {
        join: redis::Script::new(JOIN),
        add: redis::Script::new(ADD),
        take: redis::Script::new(TAKE),
        done: redis::Script::new(DONE),
        give_back: redis::Script::new(GIVE_BACK),
        pace: redis::Script::new(PACE),
        hold: redis::Script::new(HOLD),
    })
}
