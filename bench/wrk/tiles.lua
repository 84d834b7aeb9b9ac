-- wrk: C2SP tlog-tiles GETs on a tree of at least LEDGER_SIZE entries: full
-- hash tiles of levels 0 and 1 and full entry bundles, at random indices.
-- Index paths as in ledger/tlog/tile.h: 1234067 -> x001/x234/067.
local size = tonumber(os.getenv("LEDGER_SIZE"))
local full0 = math.floor(size / 256)    -- full level-0 tiles and entry bundles
local full1 = math.floor(size / 65536)  -- full level-1 tiles
math.randomseed(os.time())

local function index_path(n)
  local s = string.format("%03d", n % 1000)
  n = math.floor(n / 1000)
  while n > 0 do
    s = string.format("x%03d/", n % 1000) .. s
    n = math.floor(n / 1000)
  end
  return s
end

request = function()
  local pick = math.random(3)
  if pick == 1 and full1 > 0 then
    return wrk.format("GET", "/tile/1/" .. index_path(math.random(0, full1 - 1)))
  elseif pick == 2 then
    return wrk.format("GET", "/tile/entries/" .. index_path(math.random(0, full0 - 1)))
  end
  return wrk.format("GET", "/tile/0/" .. index_path(math.random(0, full0 - 1)))
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
