-- wrk script: each request creates a new service item (a durable write
-- through validation, the document store, the audit chain and the outbox).
-- The token comes from the environment; codes are unique per thread.
local counter = 0
local threads = 0
local token = os.getenv("YC_BENCH_TOKEN")
local prefix = os.getenv("YC_BENCH_PREFIX") or "B"

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  local code = string.format("%s%d-%d", prefix, tid, counter)
  local body = '{"code":"' .. code .. '","basic_code":"011100000000","name":"压测事项' .. code ..
    '","department":"xzsp","level":"district","type":"license","case_type":"promised",' ..
    '"legal_limit":{"value":20,"unit":"workday"},"promised_limit":{"value":5,"unit":"workday"},' ..
    '"visits":0,"online_depth":4,"materials":[{"id":"m1","name":"申请书","required":true}]}'
  return wrk.format(nil, "/api/v1/items", nil, body)
end
