-- wrk: a client paging through every entry in business-date order, 500 at
-- a time, by cursor (docs/api.md), back to the first page after the last.
-- A page MUST cost O(limit) reads whatever its position.
local first = "/api/v1/entries?from=1900-01-01&limit=500"
local path = first
request = function()
  return wrk.format("GET", path)
end
response = function(status, headers, body)
  local cursor = body:match('"next_cursor":"([^"]+)"')
  if status == 200 and cursor then
    path = first .. "&cursor=" .. cursor
  else
    path = first
  end
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
