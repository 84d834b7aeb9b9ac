#include "tools/ledgerctl/tile_client.h"

#include "ledger/tlog/tile.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tools {

TileClient::TileClient(std::string url, std::string scheme_host_port, std::string prefix)
    : url_(std::move(url)), prefix_(std::move(prefix)),
      client_(std::make_unique<httplib::Client>(scheme_host_port)) {
  client_->set_connection_timeout(10, 0);
  client_->set_read_timeout(30, 0);
  client_->set_keep_alive(true);
}

Result<std::unique_ptr<TileClient>> TileClient::Create(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.compare(0, scheme, "http") != 0 && url.compare(0, scheme, "https") != 0)) {
    return InvalidArgument("--url must start with http:// or https://, got " + url);
  }
  size_t slash = url.find('/', scheme + 3);
  std::string prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return std::unique_ptr<TileClient>(
      new TileClient(url, url.substr(0, slash), prefix + "/"));
}

Result<std::string> TileClient::Get(const std::string& path) {
  auto res = client_->Get(prefix_ + path);
  if (!res) {
    return Status(Code::kUnavailable, "GET " + url_ + "/" + path + ": " + httplib::to_string(res.error()));
  }
  if (res->status == 404) return NotFound("GET " + url_ + "/" + path + ": 404 Not Found");
  if (res->status != 200) {
    return Status(Code::kUnavailable, "GET " + url_ + "/" + path + ": HTTP " + std::to_string(res->status));
  }
  return std::move(res->body);
}

Result<std::string> TileClient::HashTile(int level, uint64_t index, uint64_t tree_size) {
  const uint64_t hashes = tree_size >> (tlog::kTileHeight * level);
  if (index * tlog::kTileWidth >= hashes) return OutOfRange("tile beyond the tree");
  const int width = static_cast<int>(std::min<uint64_t>(tlog::kTileWidth, hashes - index * tlog::kTileWidth));
  const std::string path = tlog::FormatTilePath(tlog::TilePath{false, level, index, width});
  auto got = Get(path);
  if (!got.ok() && got.status().code() == Code::kNotFound && width < tlog::kTileWidth) {
    // A log may delete a partial tile once the full one exists (tlog-tiles):
    // the full tile starts with the same hashes.
    auto full = Get(tlog::FormatTilePath(tlog::TilePath{false, level, index, tlog::kTileWidth}));
    if (full.ok() && full->size() == tlog::kTileWidth * crypto::kHashSize) {
      got = full->substr(0, static_cast<size_t>(width) * crypto::kHashSize);
    }
  }
  LEDGER_ASSIGN_OR_RETURN(std::string tile, std::move(got));
  if (tile.size() != static_cast<size_t>(width) * crypto::kHashSize) {
    return Corruption(path + " holds " + std::to_string(tile.size()) + " bytes, not " +
                      std::to_string(width) + " hashes");
  }
  return tile;
}

Result<std::vector<std::string>> TileClient::EntryBundle(uint64_t index, int width) {
  const std::string path = tlog::FormatTilePath(tlog::TilePath{true, 0, index, width});
  auto bundle = Get(path);
  bool from_full = false;
  if (!bundle.ok() && bundle.status().code() == Code::kNotFound && width < tlog::kTileWidth) {
    // The partial bundle is gone: its entries begin the full one.
    auto full = Get(tlog::FormatTilePath(tlog::TilePath{true, 0, index, tlog::kTileWidth}));
    if (full.ok()) {
      bundle = std::move(full);
      from_full = true;
    }
  }
  LEDGER_RETURN_IF_ERROR(bundle.status());
  auto entries = tlog::SplitBundle(*bundle);
  if (!entries.ok()) return Corruption(path + ": " + entries.status().message());
  if (from_full && entries->size() == static_cast<size_t>(tlog::kTileWidth)) entries->resize(width);
  if (entries->size() != static_cast<size_t>(width)) {
    return Corruption(path + " holds " + std::to_string(entries->size()) + " entries, not " +
                      std::to_string(width));
  }
  return std::move(*entries);
}

Status TileNodeReader::ReadNodes(const std::vector<tlog::NodeId>& ids, std::vector<tlog::Hash>* out) const {
  out->clear();
  for (const tlog::NodeId& id : ids) {
    const int tile_level = id.level / tlog::kTileHeight, k = id.level % tlog::kTileHeight;
    const uint64_t first = id.index << k;  // first hash at the tile's level
    const uint64_t tile_index = first / tlog::kTileWidth;
    auto key = std::make_pair(tile_level, tile_index);
    auto it = tiles_.find(key);
    if (it == tiles_.end()) {
      LEDGER_ASSIGN_OR_RETURN(std::string tile, client_->HashTile(tile_level, tile_index, size_));
      it = tiles_.emplace(key, std::move(tile)).first;
    }
    const std::string& tile = it->second;
    const size_t offset = first % tlog::kTileWidth, count = size_t{1} << k;
    if ((offset + count) * crypto::kHashSize > tile.size()) {
      return NotFound("node beyond the tiles of this tree size");
    }
    std::vector<tlog::Hash> row(count);
    for (size_t j = 0; j < count; ++j) {
      std::copy_n(tile.data() + (offset + j) * crypto::kHashSize, crypto::kHashSize, row[j].begin());
    }
    while (row.size() > 1) {
      std::vector<tlog::Hash> up(row.size() / 2);
      for (size_t j = 0; j < up.size(); ++j) up[j] = tlog::HashChildren(row[2 * j], row[2 * j + 1]);
      row = std::move(up);
    }
    out->push_back(row[0]);
  }
  return Status::Ok();
}

}  // namespace ledger::tools
