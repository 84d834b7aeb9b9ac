-- wrk: single-entry durable donation POSTs (one entry per request).
-- LEDGER_TOKEN: a recorder's bearer token; the fund "bench" must be open.
local token = os.getenv("LEDGER_TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"type":"donation","body":{"fund":"bench","amount":100,"channel":"online","received_at":"2020-01-01"}}'

local non201 = 0
response = function(status, headers, body)
  if status ~= 201 then non201 = non201 + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non201 %d\n", summary.errors.status))
end
