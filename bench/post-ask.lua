-- wrk script: each request asks the guide (智能导服) one of the question set's questions in
-- turn (YC_BENCH_ASK: a file of bodies, one JSON body a line, written by bench/run).
local bodies = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("YC_BENCH_ASK")) do bodies[#bodies + 1] = line end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
