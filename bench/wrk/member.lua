-- GET as a signed-in member (BENCH_COOKIE: the session cookie): pages members see are never cached whole.
dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk/report.lua")

wrk.headers["Cookie"] = assert(os.getenv("BENCH_COOKIE"), "BENCH_COOKIE is not set")
