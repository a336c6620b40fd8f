-- wrk script: each request accepts one instant case (即办件: decided at acceptance)
-- as the window clerk, so each issues its electronic certificate in the
-- acceptance's transaction: numbered, its canonical bytes and its QR summary signed
-- (SM2), stored, audited, the holder told. The case numbers come from YC_BENCH_CASES
-- (a file, one a line); thread k of YC_BENCH_THREADS takes every n-th from the k-th,
-- none twice. Past the list's end a request names a case that is not there (a 404,
-- counted as non-2xx).
local token = os.getenv("YC_BENCH_TOKEN")
local counter = 1

function setup(thread)
  thread:set("first", counter)
  counter = counter + 1
end

function init(args)
  list = {}
  for line in io.lines(os.getenv("YC_BENCH_CASES")) do list[#list + 1] = line end
  step = tonumber(os.getenv("YC_BENCH_THREADS"))
  at = first
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local no = list[at] or "37109100000000000000"
  at = at + step
  return wrk.format(nil, "/api/v1/cases/" .. no .. "/actions/accept")
end
