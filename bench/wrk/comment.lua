-- POST /api/skills/<slug>/comments/ as the bench user: token header, JSON body.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

wrk.method = "POST"
wrk.body = '{"body": "Benchmark comment: how does this skill change between Senior and Lead?"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Token " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
