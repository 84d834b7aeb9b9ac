-- wrk: the charity views a visitor of the site asks for, in turn: the
-- year's report (JSON, and CSV for fund "bench"), the funds, one fund, a page
-- of a fund's entries and the year's compliance figures.
local paths = {
  "/api/v1/reports?from=2020-01-01&to=2020-12-31",
  "/api/v1/reports?from=2020-01-01&to=2020-12-31&fund=bench&format=csv",
  "/api/v1/funds",
  "/api/v1/funds/bench",
  "/api/v1/entries?fund=bench&limit=50",
  "/api/v1/compliance?year=2020",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
