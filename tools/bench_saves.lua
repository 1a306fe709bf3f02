-- wrk: fifty technicians saving a field at once, one thread and one connection each.
-- args[1] names a file with one line per technician: path, cookie, CSRF token, schedule version.
-- Every save carries a fresh write id (client_id), as the visit page's forms do.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n == index then
      path, cookie, csrf, version = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
    end
  end
  math.randomseed(os.time() * 100 + index)
  ok, refused, saves = 0, 0, 0
end

local function hex(digits)
  local s = ""
  for _ = 1, digits do s = s .. string.format("%x", math.random(0, 15)) end
  return s
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  saves = saves + 1
  local client_id = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
  local body = "csrf_token=" .. encode(csrf) .. "&client_id=" .. client_id .. "&schedule_version=" .. version
    .. "&actions_taken=" .. encode("Checked the unit; save " .. saves .. " from technician " .. index)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie, ["HX-Request"] = "true", ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local delivered, failed = 0, 0
  for _, thread in ipairs(threads) do
    delivered = delivered + thread:get("ok")
    failed = failed + thread:get("refused")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "ok": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, delivered, failed + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
