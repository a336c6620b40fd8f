-- wrk script: each request submits a new case (办件) online as the demo
-- applicant: the form checked against the item, the materials looked up,
-- a case number drawn, the case, its first timeline event, the audit event
-- and the outbox event written, durable before the answer.
local token = os.getenv("YC_BENCH_TOKEN")
local sha = os.getenv("YC_BENCH_SHA")
local item = os.getenv("YC_BENCH_ITEM")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = '{"item":"' .. item .. '","form":{"applicant_name":"张三","contact_phone":"13800001234"},' ..
    '"materials":[{"id":"m1","sha256":"' .. sha .. '"},{"id":"m2","sha256":"' .. sha .. '"}]}'
end
