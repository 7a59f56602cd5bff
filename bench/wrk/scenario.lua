-- One wrk script for every scenario, configured by environment variables set by bench/harness.py:
--   BENCH_METHOD   GET or POST
--   BENCH_PATHS    paths separated by "|", taken in turn (e.g. the search prefixes being typed);
--                  "{n}" becomes this thread's counter in letters (a new search word each time)
--   BENCH_HEADERS  "Name: value" pairs separated by "\n" (session cookie, CSRF token, HX-Request)
--   BENCH_BODY     form body for POSTs; "{n}" becomes a per-thread counter, "{version}" the
--                  version this thread last saw for its task (optimistic concurrency)
--   BENCH_TASKS    task ids, one per thread, substituted for "{task}" in paths
--   BENCH_VERSION  starting versions, one per thread (edit scenario)
-- Each thread owns one connection and one task, so an edit's version is known locally: a 2xx
-- means our save went through (version + 1); a 409 carries the current version in its form.
-- done() prints one JSON line the harness parses.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function split(s, sep)
  local out = {}
  if s == nil or s == "" then return out end
  for part in string.gmatch(s, "([^" .. sep .. "]+)") do table.insert(out, part) end
  return out
end

-- A number in letters (0 -> "a", 27 -> "bb"): a word PostgreSQL's parser reads as one.
function letters(n)
  local out = ""
  repeat
    out = string.char(97 + n % 26) .. out
    n = math.floor(n / 26)
  until n == 0
  return out
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  paths = split(os.getenv("BENCH_PATHS") or "/", "|")
  body_template = os.getenv("BENCH_BODY")
  headers = {}
  for _, line in ipairs(split(os.getenv("BENCH_HEADERS") or "", "\n")) do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  local tasks = split(os.getenv("BENCH_TASKS") or "", ",")
  local versions = split(os.getenv("BENCH_VERSION") or "", ",")
  task = tasks[((tid - 1) % math.max(#tasks, 1)) + 1] or "0"
  version = tonumber(versions[((tid - 1) % math.max(#versions, 1)) + 1] or "1")
  counter, turn = 0, 0
  ok, conflicts, others = 0, 0, 0
end

function request()
  turn = turn % #paths + 1
  counter = counter + 1
  local path = string.gsub(paths[turn], "{task}", task)
  path = string.gsub(path, "{n}", letters(tid) .. "x" .. letters(counter))
  local body = nil
  if body_template then
    body = string.gsub(body_template, "{n}", tid .. "-" .. counter)
    body = string.gsub(body, "{version}", tostring(version))
  end
  return wrk.format(method, path, headers, body)
end

function response(status, resp_headers, body)
  if status < 400 then
    ok = ok + 1
    if body_template and string.find(body_template, "{version}", 1, true) then
      version = version + 1
    end
  elseif status == 409 then
    conflicts = conflicts + 1
    local current = string.match(body or "", 'name="version" value="(%d+)"')
    if current then version = tonumber(current) end
  else
    others = others + 1
  end
end

function done(summary, latency, requests)
  local ok_total, conflict_total, other_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + (thread:get("ok") or 0)
    conflict_total = conflict_total + (thread:get("conflicts") or 0)
    other_total = other_total + (thread:get("others") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"rps":%.2f,"bytes":%d,' ..
    '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"ok":%d,"conflicts":%d,"errors_status":%d,"errors_socket":%d}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    ok_total, conflict_total, other_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
