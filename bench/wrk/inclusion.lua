-- wrk: inclusion-proof GETs for random entries of a tree of LEDGER_SIZE.
local size = tonumber(os.getenv("LEDGER_SIZE"))
math.randomseed(os.time())
request = function()
  local seq = math.random(0, size - 1)
  return wrk.format("GET", "/api/v1/proof/inclusion?seq=" .. seq .. "&size=" .. size)
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
