// TileClient: reads a log through its C2SP static paths only (/checkpoint,
// /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>]) under a base URL, so it
// works the same against ledgerd and against a static mirror.
//
// TileNodeReader answers tlog::NodeReader from hash tiles for one tree size,
// the way Go's tlog.TileHashReader does: node (level l, index i) is the fold
// of 2^(l mod 8) consecutive hashes of the tile at level l/8. Tiles are
// fetched with the width the tree of that size has, and cached.
//
// Not thread-safe.
#ifndef LEDGER_TOOLS_LEDGERCTL_TILE_CLIENT_H_
#define LEDGER_TOOLS_LEDGERCTL_TILE_CLIENT_H_

#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/merkle.h"

namespace ledger::tools {

class TileClient {
 public:
  // `url` is http(s)://host[:port][/prefix].
  static Result<std::unique_ptr<TileClient>> Create(const std::string& url);

  // GET <prefix>/<path>; NotFound on 404, Unavailable on other failures.
  Result<std::string> Get(const std::string& path);
  Result<std::string> Checkpoint() { return Get("checkpoint"); }
  // The hash tile (level, index) of a tree of `tree_size`, its width checked.
  // A partial tile that is gone (404) is read from the start of the full one.
  Result<std::string> HashTile(int level, uint64_t index, uint64_t tree_size);
  // Entries [index*256, index*256 + width) as an entry bundle, split; a
  // partial bundle that is gone is read from the start of the full one.
  Result<std::vector<std::string>> EntryBundle(uint64_t index, int width);
  const std::string& url() const { return url_; }

 private:
  TileClient(std::string url, std::string scheme_host_port, std::string prefix);
  std::string url_, prefix_;
  std::unique_ptr<httplib::Client> client_;
};

class TileNodeReader : public tlog::NodeReader {
 public:
  TileNodeReader(TileClient* client, uint64_t tree_size) : client_(client), size_(tree_size) {}
  Status ReadNodes(const std::vector<tlog::NodeId>& ids, std::vector<tlog::Hash>* out) const override;

 private:
  TileClient* client_;
  uint64_t size_;
  mutable std::map<std::pair<int, uint64_t>, std::string> tiles_;
};

}  // namespace ledger::tools

#endif  // LEDGER_TOOLS_LEDGERCTL_TILE_CLIENT_H_
