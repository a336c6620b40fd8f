-- wrk script: each request submits a new case (办件) online as the demo
-- applicant: the form checked against the item, the materials looked up,
-- a case number drawn, the case, its first timeline event, the audit event
-- and the outbox event written, durable before the answer.
local token = os.getenv("YC_BENCH_TOKEN")
local sha = os.getenv("YC_BENCH_SHA")
local item = os.getenv("YC_BENCH_ITEM")
-- another item's form and materials (a JSON object, and ids with commas), if it asks others
local form = os.getenv("YC_BENCH_FORM") or '{"applicant_name":"张三","contact_phone":"13800001234"}'
local ids = os.getenv("YC_BENCH_MATERIALS") or "m1,m2"

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  local mats = {}
  for id in ids:gmatch("[^,]+") do mats[#mats + 1] = '{"id":"' .. id .. '","sha256":"' .. sha .. '"}' end
  wrk.body = '{"item":"' .. item .. '","form":' .. form .. ',"materials":[' .. table.concat(mats, ",") .. ']}'
end
