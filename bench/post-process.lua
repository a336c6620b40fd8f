-- wrk script: each request files 企业开办 (P-QYKB) online as the demo business:
-- the answers choose six parts, each is checked against its item (form fields
-- mapped from the one form, materials from the one set), a run number drawn,
-- the run and the case of the part nothing holds up (the licence) stored with
-- its timeline, audit and outbox events, durable before the answer.
local token = os.getenv("YC_BENCH_TOKEN")
local sha = os.getenv("YC_BENCH_SHA")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.body = '{"process":"P-QYKB","answers":{"has_premises":"no"},' ..
    '"form":{"company_name":"威海基准科技有限公司","legal_person":"王五","registered_capital":100,' ..
    '"address":"威海经区海滨路1号","contact_phone":"13900005678"},' ..
    '"materials":[{"id":"application","sha256":"' .. sha .. '"},{"id":"legal_person_id","sha256":"' .. sha .. '"}]}'
end
